package pipeline

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/dri-engine/dri/pipeline/dims"
)

// Column names of the canonical observation table, in schema order.
const (
	ColUnit      = "unit"
	ColYear      = "year"
	ColIndicator = "indicator"
	ColSex       = "sex"
	ColArea      = "area"
	ColAge       = "age"
	ColIncome    = "income"
	ColEducation = "education"
	ColLabour    = "labour"
	ColValue     = "value"
	ColStatus    = "status"
	ColSource    = "source"
	ColNote      = "note"
)

// Column indices of the canonical observation table.
const (
	IdxUnit = iota
	IdxYear
	IdxIndicator
	IdxSex
	IdxArea
	IdxAge
	IdxIncome
	IdxEducation
	IdxLabour
	IdxValue
	IdxStatus
	IdxSource
	IdxNote
)

var dictString = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// dictCode is the type of the closed breakdowns after age (income,
// education, labour): a handful of codes, one byte a row, so that a table
// without those breakdowns pays 3 bytes a row for them, not 12.
var dictCode = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}

// Schema is the canonical observation table: long format, one row per
// observation, key (unit, year, indicator and the breakdowns: sex, area,
// age, income, education, labour). Only note is
// nullable; a missing value is a missing row.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: ColUnit, Type: dictString},
	{Name: ColYear, Type: arrow.PrimitiveTypes.Int16},
	{Name: ColIndicator, Type: dictString},
	{Name: ColSex, Type: dictString},
	{Name: ColArea, Type: dictString},
	{Name: ColAge, Type: dictString},
	{Name: ColIncome, Type: dictCode},
	{Name: ColEducation, Type: dictCode},
	{Name: ColLabour, Type: dictCode},
	{Name: ColValue, Type: arrow.PrimitiveTypes.Float64},
	{Name: ColStatus, Type: dictString},
	{Name: ColSource, Type: dictString},
	{Name: ColNote, Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// Codes of the sex and area dimensions (SDMX) and of the status column, from
// the dimension table (pipeline/dims).
const (
	Total  = dims.Total
	Female = dims.Female
	Male   = dims.Male
	Urban  = dims.Urban
	Rural  = dims.Rural

	StatusObserved  = dims.Observed  // observed, as published
	StatusEstimated = dims.Estimated // estimate by the publisher
	StatusImputed   = dims.Imputed   // imputed by DRI (never in input files)
)

// MinYear is the earliest reference year DRI accepts; the latest is next year.
const MinYear = 1990

// MaxYear is the latest reference year accepted: next calendar year.
func MaxYear() int { return time.Now().Year() + 1 }

// The validators of the coded columns take their codes and the codes named
// in their messages from the dimension table.

func checkSex(s string) error {
	if !dims.Sex.Valid(s) {
		return fmt.Errorf("sex %s is not one of %s", Excerpt(s), dims.Sex.List(", "))
	}
	return nil
}

func checkArea(s string) error {
	if !dims.Area.Valid(s) {
		return fmt.Errorf("area %s is not one of %s", Excerpt(s), dims.Area.List(", "))
	}
	return nil
}

func checkAge(s string) error {
	if !dims.Age.Valid(s) {
		return fmt.Errorf("age %s is not %s or an SDMX age band (Y15T24, Y_GE15, Y_LT25)", Excerpt(s), dims.Age.Total)
	}
	return nil
}

// checkCode checks a code of a closed breakdown dimension (income,
// education, labour).
func checkCode(d *dims.Dimension, s string) error {
	if !d.Valid(s) {
		return fmt.Errorf("%s %s is not one of %s", d.Column, Excerpt(s), d.Glossed())
	}
	return nil
}

func checkStatus(s string) error {
	if dims.Status.Reserved(s) {
		return fmt.Errorf("status %s is reserved for values DRI imputes", Excerpt(s))
	}
	if !dims.Status.Valid(s) {
		return fmt.Errorf("status %s is not one of %s", Excerpt(s), dims.Status.Glossed())
	}
	return nil
}

// BreakdownNames lists the breakdown columns, "sex, area, age, income,
// education or labour", for messages.
func BreakdownNames() string {
	names := make([]string, len(dims.Breakdowns))
	for i, d := range dims.Breakdowns {
		names[i] = d.Column
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
