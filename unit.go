package ding

import (
	"strings"
	"time"
	"unicode/utf8"
)

// UnitKind is the kind of a node in the org tree.
type UnitKind string

const (
	UnitCity       UnitKind = "city"       // 市
	UnitDistrict   UnitKind = "district"   // 区县
	UnitTown       UnitKind = "town"       // 乡镇街道
	UnitDepartment UnitKind = "department" // 部门
	UnitPark       UnitKind = "park"       // 园区
	UnitEnterprise UnitKind = "enterprise" // 企业 (业主单位)
)

// UnitKinds lists every unit kind in display order.
var UnitKinds = []UnitKind{UnitCity, UnitDistrict, UnitTown, UnitDepartment, UnitPark, UnitEnterprise}

// Valid reports whether k is a known kind.
func (k UnitKind) Valid() bool {
	for _, x := range UnitKinds {
		if k == x {
			return true
		}
	}
	return false
}

// CodeKind says which code a unit of this kind carries: "division" (GB/T 2260),
// "uscc" (GB 32100) or "" (none required).
func (k UnitKind) CodeKind() string {
	switch k {
	case UnitCity, UnitDistrict:
		return "division"
	case UnitEnterprise:
		return "uscc"
	}
	return ""
}

// Unit is a 单位: a node of the org tree (city, district, town, department, park, enterprise).
type Unit struct {
	ID        int64     `json:"id"`
	ParentID  int64     `json:"parent_id"` // 0 for a root
	Name      string    `json:"name"`
	ShortName string    `json:"short_name"`
	Kind      UnitKind  `json:"kind"`
	Code      string    `json:"code"` // 行政区划代码 or 统一社会信用代码; may be empty
	SortOrder int       `json:"sort_order"`
	Disabled  bool      `json:"disabled"`
	Depth     int       `json:"depth"` // 0 for a root
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Normalize trims the text fields.
func (u *Unit) Normalize() {
	u.Name = strings.TrimSpace(u.Name)
	u.ShortName = strings.TrimSpace(u.ShortName)
	u.Code = strings.ToUpper(strings.TrimSpace(u.Code))
}

// Validate checks the unit's own fields (not its place in the tree).
func (u *Unit) Validate() error {
	if u.Name == "" {
		return FieldError("name", "unit.name_required")
	}
	if utf8.RuneCountInString(u.Name) > 100 {
		return FieldError("name", "field.too_long", 100)
	}
	if utf8.RuneCountInString(u.ShortName) > 50 {
		return FieldError("short_name", "field.too_long", 50)
	}
	if !u.Kind.Valid() {
		return FieldError("kind", "unit.kind_invalid")
	}
	if u.Code != "" {
		switch u.Kind.CodeKind() {
		case "division":
			if !ValidDivisionCode(u.Code) {
				return FieldError("code", "unit.division_code_invalid", u.Code)
			}
		case "uscc":
			if len(u.Code) != 18 {
				return FieldError("code", "unit.uscc_length", u.Code, len(u.Code))
			}
			if !ValidUSCC(u.Code) {
				return FieldError("code", "unit.uscc_check", u.Code)
			}
		default:
			if len(u.Code) > 32 {
				return FieldError("code", "field.too_long", 32)
			}
		}
	}
	if u.SortOrder < -1000000 || u.SortOrder > 1000000 {
		return FieldError("sort_order", "field.out_of_range")
	}
	return nil
}

// UnitFilter selects units. Zero values mean "any".
type UnitFilter struct {
	ID              int64
	ParentID        *int64   // direct children of; pointer to 0 for roots
	Under           int64    // the whole subtree below and including this unit
	Kind            UnitKind // one kind
	Query           string   // name, short name or code contains
	IncludeDisabled bool
	Limit           int // 0: no limit
	Offset          int
}

// UnitUpdate holds the fields to change on a unit; nil means unchanged.
type UnitUpdate struct {
	Name      *string   `json:"name"`
	ShortName *string   `json:"short_name"`
	Kind      *UnitKind `json:"kind"`
	Code      *string   `json:"code"`
	SortOrder *int      `json:"sort_order"`
	Disabled  *bool     `json:"disabled"`
}

// Apply writes the update onto u.
func (upd UnitUpdate) Apply(u *Unit) {
	if upd.Name != nil {
		u.Name = *upd.Name
	}
	if upd.ShortName != nil {
		u.ShortName = *upd.ShortName
	}
	if upd.Kind != nil {
		u.Kind = *upd.Kind
	}
	if upd.Code != nil {
		u.Code = *upd.Code
	}
	if upd.SortOrder != nil {
		u.SortOrder = *upd.SortOrder
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
}
