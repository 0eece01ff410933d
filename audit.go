package ding

import (
	"encoding/json"
	"time"
)

// AuditEntry is one append-only record of a change: who, when, from where, what, before → after.
// It is written in the same transaction as the change; no code path updates or deletes it.
type AuditEntry struct {
	ID        int64           `json:"id"`
	At        time.Time       `json:"at"`
	ActorID   int64           `json:"actor_id"` // 0 for the system
	ActorName string          `json:"actor_name"`
	IP        string          `json:"ip"`
	Entity    string          `json:"entity"` // "unit", "user", "token", "session" …
	EntityID  int64           `json:"entity_id"`
	Action    string          `json:"action"` // "create", "update", "move", "disable", "login" …
	Before    json.RawMessage `json:"before,omitempty"`
	After     json.RawMessage `json:"after,omitempty"`
}

// AuditFilter selects audit entries; zero values mean any.
type AuditFilter struct {
	Entity   string
	EntityID int64
	Action   string
	ActorID  int64
	Actor    string // actor name contains
	From, To time.Time
	Limit    int
	Offset   int
}
