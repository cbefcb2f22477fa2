package cluster

import (
	"fmt"
	"strings"
)

// releaseRow is one economy's row of the ITU sheet shipped as
// datasets/sources/itu-internet-by-sex/ITU_IndividualsUsingInternetByGender_2021-07_sheet1_data.csv
// ("Individuals using the Internet, by gender and urban/rural location",
// July 2021): the latest year and the urban and rural shares (%) by sex,
// copied as published. The cluster tests upload them in the long format,
// one economy per upload, as a country office would send a release.
type releaseRow struct {
	unit                 string // ISO 3166-1 alpha-3
	year                 int
	urbanMale, urbanFem  float64
	ruralMale, ruralFem  float64
	urbanTotal, ruralTot float64
}

var ituUrbanRural = map[string]releaseRow{
	"DZA": {"DZA", 2018, 61.7, 50.8, 41.9, 25.9, 56.2, 34.1}, // Algeria
	"ARM": {"ARM", 2019, 70.3, 71.1, 59.2, 60.7, 70.8, 59.9}, // Armenia
	"AZE": {"AZE", 2019, 98.4, 87.4, 68.3, 67.1, 92.8, 67.7}, // Azerbaijan
	"BRA": {"BRA", 2019, 74.3, 74.5, 75.0, 65.3, 74.4, 69.7}, // Brazil
	"CPV": {"CPV", 2019, 68.9, 69.0, 50.5, 44.5, 69.0, 47.5}, // Cabo Verde
	"CIV": {"CIV", 2019, 58.2, 49.5, 19.5, 12.7, 53.6, 16.1}, // Côte d'Ivoire
	"CUB": {"CUB", 2019, 76.7, 91.1, 12.4, 15.5, 84.1, 13.8}, // Cuba
	"DOM": {"DOM", 2018, 78.5, 77.7, 58.9, 62.3, 78.1, 60.5}, // Dominican Rep.
	"SLV": {"SLV", 2019, 62.4, 57.4, 36.1, 34.1, 59.7, 35.0}, // El Salvador
	"MOZ": {"MOZ", 2017, 21.3, 14.6, 3.4, 1.8, 17.8, 2.6},    // Mozambique
}

// releaseCSV is an upload in the long format: the economy's six urban and
// rural figures, the note naming the upload so that a test can tell its
// rows from the embedded source's.
func releaseCSV(unit, sourceID string) string {
	r, ok := ituUrbanRural[unit]
	if !ok {
		panic("cluster: no ITU urban/rural row for " + unit)
	}
	var b strings.Builder
	b.WriteString("unit,year,indicator,sex,area,value,status,note\n")
	for _, c := range []struct {
		sex, area string
		value     float64
	}{
		{"M", "U", r.urbanMale}, {"F", "U", r.urbanFem}, {"_T", "U", r.urbanTotal},
		{"M", "R", r.ruralMale}, {"F", "R", r.ruralFem}, {"_T", "R", r.ruralTot},
	} {
		fmt.Fprintf(&b, "%s,%d,itu.internet_use,%s,%s,%g,A,ITU July 2021 sheet; upload %s\n", r.unit, r.year, c.sex, c.area, c.value, sourceID)
	}
	return b.String()
}

// releaseQuery asks /v1/data for the economy's rural female figure, which
// the upload sets (and the embedded sheet also has, at lower precedence).
func releaseQuery(unit string) (path string, want float64) {
	r := ituUrbanRural[unit]
	return fmt.Sprintf("/v1/data?indicator=itu.internet_use&unit=%s&sex=F&area=R&date=%d", r.unit, r.year), r.ruralFem
}
