package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"ding"
	"ding/calendar"
)

// Attachments of demands and action items (item_files): the papers behind a demand, a
// unit's proof that its part is done. The content lives in the data directory under its
// SHA-256 (the web layer checks and writes it); a row keeps the name and type it came
// with. Who can see the item can list and download its files; who can add them: the one
// who raised it, the project office, and the liaisons of the unit it concerns or of a unit
// it is assigned to. Files are never changed nor removed: they are part of the record.

// itemFilesMax is how many files one item can carry.
const itemFilesMax = 50

// ItemFile is one attachment.
type ItemFile struct {
	ID          int64     `json:"id"`
	ItemID      int64     `json:"item_id"`
	Name        string    `json:"name"`
	Hash        string    `json:"hash"` // SHA-256 of the content, lower-case hex
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// validate checks what the web layer hands over: a name, a hash that can only name a file
// of the data directory, a size and a type.
func (f *ItemFile) validate() error {
	f.Name = strings.TrimSpace(f.Name)
	switch {
	case f.Name == "":
		return ding.FieldError("files", "itemui.file_name_required")
	case utf8.RuneCountInString(f.Name) > 100:
		return ding.FieldError("files", "field.too_long", 100)
	case !isSHA256Hex(f.Hash):
		return ding.FieldError("files", "itemui.file_hash_invalid")
	case f.Size <= 0:
		return ding.FieldError("files", "itemui.file_empty", f.Name)
	case strings.TrimSpace(f.ContentType) == "":
		return ding.FieldError("files", "itemui.file_type_missing", f.Name)
	}
	return nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// ItemFiles lists an item's attachments, oldest first (ENOTFOUND outside scope).
func (db *DB) ItemFiles(ctx context.Context, itemID int64) ([]*ItemFile, error) {
	if _, err := db.FindItem(ctx, itemID); err != nil {
		return nil, err
	}
	return itemFiles(ctx, db.reader(), itemID, 0)
}

// ItemFileByID returns one attachment of an item in scope (ENOTFOUND otherwise, and for a
// file of another item).
func (db *DB) ItemFileByID(ctx context.Context, itemID, fileID int64) (*ItemFile, error) {
	if _, err := db.FindItem(ctx, itemID); err != nil {
		return nil, err
	}
	fs, err := itemFiles(ctx, db.reader(), itemID, fileID)
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return nil, notFound("item file")
	}
	return fs[0], nil
}

func itemFiles(ctx context.Context, r reader, itemID, fileID int64) ([]*ItemFile, error) {
	q := `SELECT id, item_id, name, hash, size, content_type, uploaded_by, uploaded_at FROM item_files WHERE item_id = ?`
	args := []any{itemID}
	if fileID != 0 {
		q += ` AND id = ?`
		args = append(args, fileID)
	}
	rows, err := r.query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*ItemFile{}
	for rows.Next() {
		f := &ItemFile{}
		if err := rows.Scan(&f.ID, &f.ItemID, &f.Name, &f.Hash, &f.Size, &f.ContentType, &f.UploadedBy, timeScan{&f.UploadedAt}); err != nil {
			return nil, r.db.mapErr(err)
		}
		out = append(out, f)
	}
	return out, r.db.mapErr(rows.Err())
}

// canAttach says whether the actor may add files to an item it can see: the office, the
// one who raised it, a liaison whose scope holds the unit it concerns or an assigned unit.
func canAttach(tx *Tx, it *ding.Item) error {
	a := tx.actor
	switch {
	case a.Role == ding.RoleViewer:
		return ding.Errorf(ding.EFORBIDDEN, "itemui.files_forbidden")
	case isOffice(a), a.UserID == it.RaisedBy:
		return nil
	case a.Role != ding.RoleLiaison:
		return ding.Errorf(ding.EFORBIDDEN, "itemui.files_forbidden")
	}
	units := []int64{it.UnitID}
	for _, u := range it.Units {
		units = append(units, u.UnitID)
	}
	for _, u := range units {
		ok, err := unitCovers(tx, u)
		if err != nil || ok {
			return err
		}
	}
	return ding.Errorf(ding.EFORBIDDEN, "itemui.files_forbidden")
}

// AddItemFiles records attachments of an item (whose contents the caller has stored), in
// one transaction: all or none. Audited as one event.
func (db *DB) AddItemFiles(ctx context.Context, itemID int64, files []ItemFile) ([]*ItemFile, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	its, _, err := findItems(tx.ctx, tx.reader, tx.actor, ItemFilter{ID: itemID, Limit: 1}, ding.Today(tx.now), calendar.New(nil))
	if err != nil {
		return nil, err
	}
	if len(its) == 0 {
		return nil, notFound("item")
	}
	if err := canAttach(tx, its[0]); err != nil {
		return nil, err
	}
	out, err := addItemFiles(tx, itemID, files)
	if err != nil {
		return nil, err
	}
	return out, tx.commit()
}

// CreateItemWithFiles raises a demand or creates an action item (CreateItem) together with
// its attachments, in one transaction: a refused item stores no file rows.
func (db *DB) CreateItemWithFiles(ctx context.Context, it *ding.Item, files []ItemFile) ([]*ItemFile, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.rollback()
	for i := range files {
		if err := files[i].validate(); err != nil {
			return nil, err
		}
	}
	if err := createItem(tx, it); err != nil {
		return nil, err
	}
	out := []*ItemFile{}
	if len(files) > 0 {
		if out, err = addItemFiles(tx, it.ID, files); err != nil {
			return nil, err
		}
	}
	return out, tx.commit()
}

func addItemFiles(tx *Tx, itemID int64, files []ItemFile) ([]*ItemFile, error) {
	if len(files) == 0 {
		return nil, ding.FieldError("files", "itemui.files_required")
	}
	for i := range files {
		if err := files[i].validate(); err != nil {
			return nil, err
		}
	}
	var n int
	if err := tx.queryRow(tx.ctx, `SELECT COUNT(*) FROM item_files WHERE item_id = ?`, itemID).Scan(&n); err != nil {
		return nil, tx.db.mapErr(err)
	}
	if n+len(files) > itemFilesMax {
		return nil, ding.FieldError("files", "itemui.files_too_many", itemFilesMax, n)
	}
	out := make([]*ItemFile, 0, len(files))
	for _, f := range files {
		x := &ItemFile{ItemID: itemID, Name: f.Name, Hash: f.Hash, Size: f.Size, ContentType: f.ContentType,
			UploadedBy: tx.actor.Username, UploadedAt: tx.now}
		id, err := tx.insert(`INSERT INTO item_files (item_id, name, hash, size, content_type, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			itemID, x.Name, x.Hash, x.Size, x.ContentType, x.UploadedBy, ts(x.UploadedAt))
		if err != nil {
			return nil, err
		}
		x.ID = id
		out = append(out, x)
	}
	if err := tx.audit("item", itemID, "attach", nil, out); err != nil {
		return nil, err
	}
	return out, nil
}
