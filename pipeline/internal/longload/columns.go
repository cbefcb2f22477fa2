package longload

import "slices"

// Columns holds observations column by column (no row structs): the same
// layout the Arrow record gets, with dense ids instead of strings.
//
// The optional columns (the breakdowns, status, note) stay nil while every
// value is the default (code 0: _T, A, no note), and line stays nil while
// the rows' lines are consecutive from line0: a large clean file in the
// long format then costs 14 bytes a row here instead of 33, and the merge
// gathers only the columns some source gave (read them with the At
// methods).
type Columns struct {
	unit      []int32
	year      []int16
	indicator []int32
	value     []float64
	sex       []uint8
	area      []uint8
	age       []int32
	income    []uint8
	education []uint8
	labour    []uint8
	status    []uint8
	note      []int32 // 0 = no note
	line      []int32
	line0     int32
}

func (c *Columns) Len() int { return len(c.value) }

// Codes are a row's breakdown and status ids: 0 is the default (_T, A).
// Sex, area, income, education, labour and status index their dimension's
// code list; age is an id of the load's age interner.
type Codes struct {
	Sex, Area, Income, Education, Labour, Status uint8
	Age                                          int32
}

// CodesAt reads row i's breakdown and status ids.
func (c *Columns) CodesAt(i uint32) Codes {
	return Codes{Sex: at(c.sex, i), Area: at(c.area, i), Age: at(c.age, i), Income: at(c.income, i),
		Education: at(c.education, i), Labour: at(c.labour, i), Status: at(c.status, i)}
}

func (c *Columns) SexAt(i uint32) uint8    { return at(c.sex, i) }
func (c *Columns) AreaAt(i uint32) uint8   { return at(c.area, i) }
func (c *Columns) AgeAt(i uint32) int32    { return at(c.age, i) }
func (c *Columns) IncomeAt(i uint32) uint8 { return at(c.income, i) }
func (c *Columns) EducationAt(i uint32) uint8 {
	return at(c.education, i)
}
func (c *Columns) LabourAt(i uint32) uint8 { return at(c.labour, i) }
func (c *Columns) StatusAt(i uint32) uint8 { return at(c.status, i) }
func (c *Columns) NoteAt(i uint32) int32   { return at(c.note, i) }
func (c *Columns) LineAt(i uint32) int32 {
	if c.line == nil {
		return c.line0 + int32(i)
	}
	return c.line[i]
}

// at reads an optional column (nil = all zero).
func at[T uint8 | int32](col []T, i uint32) T {
	if col == nil {
		return 0
	}
	return col[i]
}

// Reserve makes room for n more rows.
func (c *Columns) Reserve(n int) {
	c.unit = slices.Grow(c.unit, n)
	c.year = slices.Grow(c.year, n)
	c.indicator = slices.Grow(c.indicator, n)
	c.value = slices.Grow(c.value, n)
	for _, col := range []*[]uint8{&c.sex, &c.area, &c.income, &c.education, &c.labour, &c.status} {
		if *col != nil {
			*col = slices.Grow(*col, n)
		}
	}
	for _, col := range []*[]int32{&c.age, &c.note, &c.line} {
		if *col != nil {
			*col = slices.Grow(*col, n)
		}
	}
}

// Push appends one row.
func (c *Columns) Push(unit int32, year int16, ind int32, k Codes, v float64, note, line int32) {
	n := len(c.value)
	c.sex = pushOpt(c.sex, n, cap(c.value), k.Sex)
	c.area = pushOpt(c.area, n, cap(c.value), k.Area)
	c.age = pushOpt(c.age, n, cap(c.value), k.Age)
	c.income = pushOpt(c.income, n, cap(c.value), k.Income)
	c.education = pushOpt(c.education, n, cap(c.value), k.Education)
	c.labour = pushOpt(c.labour, n, cap(c.value), k.Labour)
	c.status = pushOpt(c.status, n, cap(c.value), k.Status)
	c.note = pushOpt(c.note, n, cap(c.value), note)
	switch {
	case c.line != nil:
		c.line = append(c.line, line)
	case n == 0:
		c.line0 = line
	case line != c.line0+int32(n):
		c.line = make([]int32, n, max(cap(c.value), n+1))
		for i := range c.line {
			c.line[i] = c.line0 + int32(i)
		}
		c.line = append(c.line, line)
	}
	c.unit = append(c.unit, unit)
	c.year = append(c.year, year)
	c.indicator = append(c.indicator, ind)
	c.value = append(c.value, v)
}

// PushDefaults appends a row with the default breakdowns and status and
// no note: four appends while no optional column exists and the lines run
// on.
func (c *Columns) PushDefaults(unit int32, year int16, ind int32, v float64, line int32) {
	n := len(c.value)
	if n == 0 || c.sex != nil || c.area != nil || c.age != nil || c.income != nil || c.education != nil || c.labour != nil ||
		c.status != nil || c.note != nil || c.line != nil || line != c.line0+int32(n) {
		c.Push(unit, year, ind, Codes{}, v, 0, line)
		return
	}
	c.unit = append(c.unit, unit)
	c.year = append(c.year, year)
	c.indicator = append(c.indicator, ind)
	c.value = append(c.value, v)
}

// pushOpt appends v to an optional column of n values, materialising it
// (zeros, capacity as the required columns) at its first non-zero value.
func pushOpt[T uint8 | int32](col []T, n, capacity int, v T) []T {
	if col == nil {
		if v == 0 {
			return nil
		}
		col = make([]T, n, max(capacity, n+1))
	}
	return append(col, v)
}

// UnitAt, YearAt and IndicatorAt read row i's required fields.
func (c *Columns) UnitAt(i uint32) int32      { return c.unit[i] }
func (c *Columns) YearAt(i uint32) int16      { return c.year[i] }
func (c *Columns) IndicatorAt(i uint32) int32 { return c.indicator[i] }
func (c *Columns) ValueAt(i uint32) float64   { return c.value[i] }
