package pipeline

import (
	"fmt"
	"regexp"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// Column names of the canonical observation table, in schema order.
const (
	ColUnit      = "unit"
	ColYear      = "year"
	ColIndicator = "indicator"
	ColSex       = "sex"
	ColArea      = "area"
	ColAge       = "age"
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
	IdxValue
	IdxStatus
	IdxSource
	IdxNote
)

var dictString = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// Schema is the canonical observation table: long format, one row per
// observation, key (unit, year, indicator, sex, area, age). Only note is
// nullable; a missing value is a missing row.
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: ColUnit, Type: dictString},
	{Name: ColYear, Type: arrow.PrimitiveTypes.Int16},
	{Name: ColIndicator, Type: dictString},
	{Name: ColSex, Type: dictString},
	{Name: ColArea, Type: dictString},
	{Name: ColAge, Type: dictString},
	{Name: ColValue, Type: arrow.PrimitiveTypes.Float64},
	{Name: ColStatus, Type: dictString},
	{Name: ColSource, Type: dictString},
	{Name: ColNote, Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// Codes of the sex and area dimensions (SDMX) and of the status column.
const (
	Total  = "_T"
	Female = "F"
	Male   = "M"
	Urban  = "U"
	Rural  = "R"

	StatusObserved  = "A" // observed, as published
	StatusEstimated = "E" // estimate by the publisher
	StatusImputed   = "I" // imputed by DRI (never in input files)
)

// MinYear is the earliest reference year DRI accepts; the latest is next year.
const MinYear = 1990

// MaxYear is the latest reference year accepted: next calendar year.
func MaxYear() int { return time.Now().Year() + 1 }

var (
	sexCodes    = map[string]bool{Total: true, Female: true, Male: true}
	areaCodes   = map[string]bool{Total: true, Urban: true, Rural: true}
	statusCodes = map[string]bool{StatusObserved: true, StatusEstimated: true}
	ageCode     = regexp.MustCompile(`^(_T|Y\d{1,3}T\d{1,3}|Y_GE\d{1,3}|Y_LT\d{1,3})$`)
)

func checkSex(s string) error {
	if !sexCodes[s] {
		return fmt.Errorf("sex %s is not one of _T, F, M", Excerpt(s))
	}
	return nil
}

func checkArea(s string) error {
	if !areaCodes[s] {
		return fmt.Errorf("area %s is not one of _T, U, R", Excerpt(s))
	}
	return nil
}

func checkAge(s string) error {
	if !ageCode.MatchString(s) {
		return fmt.Errorf("age %s is not _T or an SDMX age band (Y15T24, Y_GE15, Y_LT25)", Excerpt(s))
	}
	return nil
}

func checkStatus(s string) error {
	if s == StatusImputed {
		return fmt.Errorf("status %s is reserved for values DRI imputes", Excerpt(s))
	}
	if !statusCodes[s] {
		return fmt.Errorf("status %s is not one of A (observed), E (estimate)", Excerpt(s))
	}
	return nil
}
