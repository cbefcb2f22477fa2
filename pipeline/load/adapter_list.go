package load

// phase says when an adapter runs. Observation sources (the zero phase)
// run last, in parallel: they only read the reference tables. The other
// phases build the reference tables or extend the registry and run one
// source at a time in phase order, because each reads what the ones before
// built; the groups are built from the units once phaseAliases is done.
type phase int

const (
	phaseObservations      phase = iota // observation sources, after all others, in parallel
	phaseUnits                          // the M49 units table
	phaseMoreUnits                      // economies M49 omits
	phaseUnitAttributes                 // memberships, income groups, aggregates' codes, subdivisions (need the units)
	phaseAliases                        // publishers' names for the units (need every unit)
	phaseRegistryExtension              // sources that add indicators to the registry, and observations (need the groups)
	phaseRegions                        // observations that add regions to the units table: one at a time, so the units' order is the catalogue's, not the scheduler's
	phaseDocuments                      // files not read as data
)

// adapter reads one publisher format.
type adapter struct {
	name  string // what catalogue entries write as adapter:
	phase phase
	read  func(s *source) error
	doc   string
	// defersCountrySeries marks a national publisher's format: its
	// country-level series give way whole to a source of higher precedence
	// that gives the same series (deferCountrySeries).
	defersCountrySeries bool
}

// producesObservations reports whether the adapter's sources are observation
// sources (subject to Options.Only and merged into the table).
func (a adapter) producesObservations() bool {
	return a.phase == phaseObservations || a.phase == phaseRegistryExtension || a.phase == phaseRegions
}

// referenceTables reports whether the adapter builds the reference tables
// (units, groups, aliases), which the groups are built from.
func (a adapter) referenceTables() bool {
	return a.phase >= phaseUnits && a.phase <= phaseAliases
}

// adapterList is every adapter, in reading order (phase by phase; the
// observation sources, last, run in parallel): one explicit list rather
// than registrations scattered over init functions.
var adapterList = []adapter{
	{name: "m49", phase: phaseUnits, read: readM49,
		doc: "UNSD M49 methodology table (';'-separated, BOM): units, regions, LDC/LLDC/SIDS flags"},
	{name: "units-extra", phase: phaseMoreUnits, read: readUnitsExtra,
		doc: "DRI's list of economies that publishers report but M49 omits (code,iso2,m49,name,note)"},
	{name: "un-members", phase: phaseUnitAttributes, read: readUNMembers,
		doc: "DRI's list of the 193 UN member states (iso3,name)"},
	{name: "wb-class", phase: phaseUnitAttributes, read: readWBClass,
		doc: "World Bank CLASS economies sheet: income group and region per economy"},
	{name: "wb-class-groups", phase: phaseUnitAttributes, read: readWBClassGroups,
		doc: "World Bank CLASS groups sheet: the World Bank's aggregate codes"},
	{name: "ldc-membership", phase: phaseUnitAttributes, read: readLDCMembership,
		doc: "DRI's table of the UN LDC list by date (iso3,country,added,graduated,source): a year's LDCs are the states added by then and not yet graduated at mid-year"},
	{name: "subdivisions", phase: phaseUnitAttributes, read: readSubdivisions,
		doc: "ISO 3166-2 subdivision codes a sub-national unit may have (code,name[,type,parent]); codes of other forms are refused once one is read"},
	{name: "aliases", phase: phaseAliases, read: readAliases,
		doc: "DRI's alias table: publishers' country names and codes -> ISO3 (alias,code,note)"},
	{name: "subdivision-aliases", phase: phaseAliases, read: readSubdivisionAliases,
		doc: "DRI's table of national publishers' region names and codes -> ISO 3166-2 (alias,code,note), each alias within its code's country"},
	{name: "wide", phase: phaseRegistryExtension, read: readWide,
		doc: "COINr-style iData (one row per unit, one column per indicator; uCode, uName, Time) with its iMeta (options.imeta)"},
	{name: "opensdg", phase: phaseRegions, read: readOpenSDG, defersCountrySeries: true,
		doc: "Open SDG platform data file (national statistical offices' SDG sites): Year, one column per breakdown (roles in options.columns), Value; regions -> ISO 3166-2 units of options.country"},
	{name: "document", phase: phaseDocuments, read: readDocument,
		doc: "a file shipped for reference only (notes, licences); not read as data"},
	{name: "egov", phase: phaseObservations, read: readEGov,
		doc: "UN E-Government Survey Data Center CSV (EGOV_DATA_YYYY) and the UNU-EGOV variant: one row per country"},
	{name: "itu-datahub", phase: phaseObservations, read: readITUDataHub,
		doc: "ITU ICT DataHub export (long: seriesCode, entityIso, dataValue, dataYear, dataSource, ...)"},
	{name: "itu-by-sex", phase: phaseObservations, read: readITUBySex,
		doc: "ITU 'Individuals using the Internet by gender and urban/rural location' sheet (multi-row header, footnotes)"},
	{name: "wb-databank", phase: phaseObservations, read: readWBDataBank,
		doc: "World Bank DataBank extract: series in rows and years in columns ('2017 [YR2017]'), or series x years in columns ('Name [code] - 2017 [YR2017]'); '..' = no data; footer lines"},
	{name: "findex-databank", phase: phaseObservations, read: readFindexDatabank,
		doc: "Global Findex Databank wide sheet: one row per economy and wave, one column per indicator label; values may carry a '%' sign"},
	{name: "findex-2025", phase: phaseObservations, read: readFindex2025,
		doc: "World Bank Global Findex Database 2025 (codewb, year, group, group2, one column per indicator): shares 0-1 read as percent, NA missing, breakdowns from group/group2"},
	{name: "wb-api-long", phase: phaseObservations, read: readWBAPILong,
		doc: "World Bank API pull in long form (ind_id, cty_iso, date, value)"},
	{name: "wdi-wide", phase: phaseObservations, read: readWDIWide,
		doc: "World Bank WDI API CSV (metadata lines, then Country Name, Country Code, Indicator Name, Indicator Code, one column per year)"},
	{name: "ddf", phase: phaseObservations, read: readDDF,
		doc: "Gapminder DDF datapoints (geo,time,<concept>) as published by open-numbers for WDI series"},
	{name: "sdg", phase: phaseObservations, read: readSDG,
		doc: "UN SDG Global Database export (SeriesCode, GeoAreaCode (M49), TimePeriod, Value, Sex, Units, ...)"},
	{name: "country-year-value", phase: phaseObservations, read: readCountryYearValue,
		doc: "one series in long form with the header Country Name,Country Code,Year,Value (the datasets/population copy of WDI SP.POP.TOTL); World Bank aggregate codes are skipped, years before 1990 not read"},
	{name: "ddc-scores", phase: phaseObservations, read: readDDCScores,
		doc: "UNDP Digital Development Compass site data flattened (iso3, framework, pillar, subpillar, score): external reference scores"},
	{name: "ddc-indicator-scores", phase: phaseObservations, read: readDDCIndicatorScores,
		doc: "UNDP Digital Development Compass ui/database scores.csv (Country Name, Pillar, Sub-Pillar, Indicator, new_rank_score): overall, pillar and sub-pillar scores"},
	{name: "long", phase: phaseObservations, read: readLong,
		doc: "DRI's long format: unit,year,indicator[,sex,area,age],value[,status,note] as CSV, Parquet or Arrow IPC (by extension)"},
}

// adapters are the adapters of adapterList by name.
var adapters = func() map[string]adapter {
	m := make(map[string]adapter, len(adapterList))
	for _, a := range adapterList {
		m[a.name] = a
	}
	return m
}()

// Adapters lists the adapter names with a one-line description each.
func Adapters() map[string]string {
	out := map[string]string{}
	for _, a := range adapterList {
		out[a.name] = a.doc
	}
	return out
}

// readDocument reads a file shipped for reference only: opened and read
// through for its checksum, not as data.
func readDocument(s *source) error {
	rc, _, err := s.open("")
	if err != nil {
		return err
	}
	return rc.Close()
}
