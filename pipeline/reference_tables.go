package pipeline

import (
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The units and groups tables as Arrow records: what a snapshot stores
// next to the observations and reads back.

// PublishedUnits returns the units table of a result: the UN member states,
// plus every other unit that has at least one observation, flagged by type.
func (r *Result) PublishedUnits() []*Unit {
	used := map[string]bool{}
	if r.Observations != nil && r.Observations.NumRows() > 0 {
		d := r.Observations.Column(IdxUnit).(*array.Dictionary)
		vals := d.Dictionary().(*array.String)
		for _, i := range d.Indices().(*array.Int32).Int32Values() {
			used[vals.Value(int(i))] = true
		}
	}
	var out []*Unit
	for _, u := range r.Reference.Units() {
		if u.UNMember || used[u.Code] {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

var unitsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "code", Type: arrow.BinaryTypes.String}, {Name: "iso2", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "m49", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "type", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "un_member", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "region_code", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "region", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "sub_region_code", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "sub_region", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "intermediate_region_code", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "intermediate_region", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "income_group", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "wb_region", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ldc", Type: arrow.FixedWidthTypes.Boolean}, {Name: "lldc", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "sids", Type: arrow.FixedWidthTypes.Boolean}, {Name: "parent", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

func unitStrings(u *Unit) []string {
	return []string{u.Code, u.ISO2, u.M49, u.Name, u.Type, "", u.RegionCode, u.Region, u.SubRegionCode, u.SubRegion,
		u.IntermediateRegionCode, u.IntermediateRegion, u.IncomeGroup, u.WBRegion, "", "", "", u.Parent}
}

func unitsRecord(units []*Unit) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, unitsSchema)
	defer b.Release()
	for _, u := range units {
		for i, s := range unitStrings(u) {
			switch i {
			case 5:
				b.Field(i).(*array.BooleanBuilder).Append(u.UNMember)
			case 14:
				b.Field(i).(*array.BooleanBuilder).Append(u.LDC)
			case 15:
				b.Field(i).(*array.BooleanBuilder).Append(u.LLDC)
			case 16:
				b.Field(i).(*array.BooleanBuilder).Append(u.SIDS)
			default:
				AppendStringOrNull(b.Field(i).(*array.StringBuilder), s)
			}
		}
	}
	return b.NewRecordBatch()
}

var groupsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "group_code", Type: arrow.BinaryTypes.String}, {Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "kind", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "definition", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "member", Type: arrow.BinaryTypes.String},
	// member_from and member_to are a dated group's member years (0: open);
	// null for a group whose members hold every year.
	{Name: "member_from", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "member_to", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
}, nil)

// groupsRecord writes one row per member: a dated group's rows are its
// Periods (former members included, current ones with member_to 0).
func groupsRecord(groups []*Group) arrow.RecordBatch {
	b := array.NewRecordBuilder(memory.DefaultAllocator, groupsSchema)
	defer b.Release()
	row := func(g *Group, m string, p *MemberPeriod) {
		for i, s := range []string{g.Code, g.Name, g.Kind, g.Definition, m} {
			AppendStringOrNull(b.Field(i).(*array.StringBuilder), s)
		}
		from, to := b.Field(5).(*array.Int32Builder), b.Field(6).(*array.Int32Builder)
		if p == nil {
			from.AppendNull()
			to.AppendNull()
			return
		}
		from.Append(int32(p.From))
		to.Append(int32(p.To))
	}
	for _, g := range groups {
		if g.Periods != nil {
			for i := range g.Periods {
				row(g, g.Periods[i].Unit, &g.Periods[i])
			}
			continue
		}
		for _, m := range g.Members {
			row(g, m, nil)
		}
	}
	return b.NewRecordBatch()
}

// ReferenceFromRecords rebuilds the reference tables from the units and
// groups records a snapshot stores (ReferenceRecords' layout; groups
// written before the membership periods existed have five columns).
func ReferenceFromRecords(units, groups arrow.RecordBatch) *Reference {
	ref := NewReference()
	str := func(rec arrow.RecordBatch, c, i int) string {
		if col := rec.Column(c).(*array.String); col.IsValid(i) {
			return col.Value(i)
		}
		return "" // a missing string (older snapshots wrote "")
	}
	boolean := func(rec arrow.RecordBatch, c, i int) bool { return rec.Column(c).(*array.Boolean).Value(i) }
	for i := 0; i < int(units.NumRows()); i++ {
		u := &Unit{Code: str(units, 0, i), ISO2: str(units, 1, i), M49: str(units, 2, i), Name: str(units, 3, i),
			Type: str(units, 4, i), UNMember: boolean(units, 5, i), RegionCode: str(units, 6, i), Region: str(units, 7, i),
			SubRegionCode: str(units, 8, i), SubRegion: str(units, 9, i), IntermediateRegionCode: str(units, 10, i),
			IntermediateRegion: str(units, 11, i), IncomeGroup: str(units, 12, i), WBRegion: str(units, 13, i),
			LDC: boolean(units, 14, i), LLDC: boolean(units, 15, i), SIDS: boolean(units, 16, i), Parent: str(units, 17, i)}
		_, _ = ref.addUnit(u)
	}
	for i := 0; i < int(groups.NumRows()); i++ {
		code := str(groups, 0, i)
		gi, ok := ref.groupIdx[code]
		if !ok {
			gi = len(ref.groups)
			ref.groupIdx[code] = gi
			ref.groups = append(ref.groups, &Group{Code: code, Name: str(groups, 1, i), Kind: str(groups, 2, i), Definition: str(groups, 3, i)})
		}
		g, m := ref.groups[gi], str(groups, 4, i)
		if groups.NumCols() < 7 || groups.Column(5).IsNull(i) {
			g.Members = append(g.Members, m)
			continue
		}
		p := MemberPeriod{Unit: m, From: int(groups.Column(5).(*array.Int32).Value(i)), To: int(groups.Column(6).(*array.Int32).Value(i))}
		g.Periods = append(g.Periods, p)
		if p.To == 0 {
			g.Members = append(g.Members, m)
		}
	}
	return ref
}
