package load

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/dri-engine/dri/pipeline"
)

// FuzzLineLimit: reading through lineLimit, in reads of any size, gives
// the input unchanged when no line is longer than the limit, else a
// too-large error at the first such line (counted here the obvious way).
func FuzzLineLimit(f *testing.F) {
	f.Add([]byte("a,b\nccc\n"), 3, 1)
	f.Add([]byte("a,b\ncccc\n"), 3, 2)
	f.Add([]byte("\n\n\nxxxxxxxx"), 4, 3)
	f.Add([]byte("no line end at all"), 5, 7)
	f.Fuzz(func(t *testing.T, data []byte, max, chunk int) {
		if max < 1 || max > 1<<10 || chunk < 1 || chunk > 1<<10 {
			t.Skip()
		}
		wantLine := 0 // first line over the limit, 1-based; 0 = none
		for i, l := range bytes.Split(data, []byte{'\n'}) {
			if len(l) > max {
				wantLine = i + 1
				break
			}
		}
		r := newLineLimit(&chunked{data: data, n: chunk}, "f.csv", max, 0)
		got, err := io.ReadAll(r)
		var le *pipeline.LoadError
		switch {
		case wantLine == 0 && (err != nil || !bytes.Equal(got, data)):
			t.Fatalf("no line over %d: got %d of %d bytes, err %v", max, len(got), len(data), err)
		case wantLine > 0 && (!errors.As(err, &le) || le.Rule != pipeline.RuleTooLarge || le.Line != wantLine):
			t.Fatalf("line %d is over %d: err %v", wantLine, max, err)
		}
	})
}

// chunked reads data n bytes at a time.
type chunked struct {
	data []byte
	n    int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.data)
	c.data = c.data[n:]
	return n, nil
}
