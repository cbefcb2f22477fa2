package load

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Arrow IPC schemas are flatbuffers, and arrow-go v18.8.0 allocates what
// their vector lengths claim (make([]arrow.Field, n) for a schema's fields
// and a field's children) before anything checks them against the bytes
// there are: a stream of 2 KB once claimed 270 GB of fields
// (FuzzLongArrowIPC). checkIPCSchema walks the schema first, with bounds
// checks, and refuses a vector longer than its buffer. The layouts are
// those of Arrow's format/Message.fbs, Schema.fbs and File.fbs (tables
// Message, Schema, Field, Footer, KeyValue).

// errFlatbuffer is a schema whose offsets point outside its bytes.
var errFlatbuffer = errors.New("malformed flatbuffer")

// flatTable is a flatbuffer table at pos in buf.
type flatTable struct {
	buf []byte
	pos int
}

func (t flatTable) u32(at int) (int, error) {
	if at < 0 || at+4 > len(t.buf) {
		return 0, errFlatbuffer
	}
	return int(binary.LittleEndian.Uint32(t.buf[at:])), nil
}

// field returns the position of field k's value, or 0 when absent.
func (t flatTable) field(k int) (int, error) {
	soff, err := t.u32(t.pos)
	if err != nil {
		return 0, err
	}
	vt := t.pos - int(int32(soff))
	if vt < 0 || vt+4 > len(t.buf) {
		return 0, errFlatbuffer
	}
	vtSize := int(binary.LittleEndian.Uint16(t.buf[vt:]))
	slot := 4 + 2*k
	if slot+2 > vtSize {
		return 0, nil
	}
	if vt+slot+2 > len(t.buf) {
		return 0, errFlatbuffer
	}
	o := int(binary.LittleEndian.Uint16(t.buf[vt+slot:]))
	if o == 0 {
		return 0, nil
	}
	return t.pos + o, nil
}

// table returns the table field k points at (ok false when absent).
func (t flatTable) table(k int) (flatTable, bool, error) {
	at, err := t.field(k)
	if err != nil || at == 0 {
		return flatTable{}, false, err
	}
	off, err := t.u32(at)
	if err != nil {
		return flatTable{}, false, err
	}
	return flatTable{buf: t.buf, pos: at + off}, true, nil
}

// vector returns the start and length of vector field k of elements of
// elem bytes, refusing a length the buffer cannot hold.
func (t flatTable) vector(k, elem int) (start, n int, err error) {
	at, err := t.field(k)
	if err != nil || at == 0 {
		return 0, 0, err
	}
	off, err := t.u32(at)
	if err != nil {
		return 0, 0, err
	}
	vec := at + off
	n, err = t.u32(vec)
	if err != nil {
		return 0, 0, err
	}
	if n > (len(t.buf)-vec-4)/elem {
		return 0, 0, fmt.Errorf("a vector claims %d elements of %d bytes in a flatbuffer of %d bytes", n, elem, len(t.buf))
	}
	return vec + 4, n, nil
}

// checkFields checks a vector of Field tables (Schema.fields = 1,
// Field.children = 5) and each field's children and custom metadata
// (Field.custom_metadata = 6). budget bounds the tables visited.
func checkFields(t flatTable, k int, depth int, budget *int) error {
	start, n, err := t.vector(k, 4)
	if err != nil {
		return err
	}
	if depth > 64 {
		return fmt.Errorf("fields nested more than 64 deep")
	}
	for i := range n {
		if *budget--; *budget < 0 {
			return errFlatbuffer
		}
		off, err := t.u32(start + 4*i)
		if err != nil {
			return err
		}
		f := flatTable{buf: t.buf, pos: start + 4*i + off}
		if err := checkFields(f, 5, depth+1, budget); err != nil {
			return err
		}
		if _, _, err := f.vector(6, 4); err != nil {
			return err
		}
	}
	return nil
}

// checkSchema checks a Schema table: fields (1) and custom metadata (2).
func checkSchema(s flatTable) error {
	budget := len(s.buf) / 4
	if err := checkFields(s, 1, 0, &budget); err != nil {
		return err
	}
	_, _, err := s.vector(2, 4)
	return err
}

// checkIPCSchema checks the schema of an Arrow IPC stream (its first
// message) or file (its footer) of size bytes before arrow-go reads it.
// Bytes that are neither are left to arrow-go to refuse.
func checkIPCSchema(data io.ReaderAt, size, limit int64) error {
	read := func(off, n int64) ([]byte, bool) {
		if off < 0 || n < 0 || off+n > size || n > limit {
			return nil, false
		}
		b := make([]byte, n)
		_, err := data.ReadAt(b, off)
		return b, err == nil
	}
	root := func(buf []byte) (flatTable, error) {
		t := flatTable{buf: buf}
		off, err := t.u32(0)
		t.pos = off
		return t, err
	}
	if head, ok := read(0, 8); ok && bytes.HasPrefix(head, []byte("ARROW1")) {
		// File: the footer ends with its int32 length and the magic.
		tail, ok := read(size-10, 10)
		if !ok || string(tail[4:]) != "ARROW1" {
			return nil
		}
		n := int64(int32(binary.LittleEndian.Uint32(tail)))
		footer, ok := read(size-10-n, n)
		if !ok {
			return nil
		}
		f, err := root(footer)
		if err != nil {
			return fmt.Errorf("arrow/ipc footer: %w", err)
		}
		// Footer: schema (1), dictionaries (2) and recordBatches (3) are
		// vectors of 24-byte Blocks, custom_metadata (4).
		for _, v := range []struct{ k, elem int }{{2, 24}, {3, 24}, {4, 4}} {
			if _, _, err := f.vector(v.k, v.elem); err != nil {
				return fmt.Errorf("arrow/ipc footer: %w", err)
			}
		}
		s, ok, err := f.table(1)
		if err == nil && ok {
			err = checkSchema(s)
		}
		if err != nil {
			return fmt.Errorf("arrow/ipc footer schema: %w", err)
		}
		return nil
	}
	// Stream: the first message, after the continuation marker (or the
	// pre-0.15 length alone), is the schema.
	head, ok := read(0, 8)
	if !ok {
		return nil
	}
	metaAt, n := int64(8), int64(int32(binary.LittleEndian.Uint32(head[4:])))
	if binary.LittleEndian.Uint32(head) != 0xFFFFFFFF {
		metaAt, n = 4, int64(int32(binary.LittleEndian.Uint32(head)))
	}
	meta, ok := read(metaAt, n)
	if !ok {
		return nil // arrow-go refuses the length itself
	}
	m, err := root(meta)
	if err != nil {
		return fmt.Errorf("arrow/ipc schema message: %w", err)
	}
	// Message: header_type (1) 1 = Schema, header (2).
	at, err := m.field(1)
	if err != nil || at == 0 || at >= len(meta) || meta[at] != 1 {
		return nil // not a schema message: arrow-go says so
	}
	s, ok, err := m.table(2)
	if err == nil && ok {
		err = checkSchema(s)
	}
	if err != nil {
		return fmt.Errorf("arrow/ipc schema message: %w", err)
	}
	return nil
}
