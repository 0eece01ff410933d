package web

import (
	"net/http"
	"strconv"
	"strings"

	"ding"
)

// postedVersion reads the version a form was made from (its hidden "version" field). A
// form without one cannot prove it saw the latest record: that is the stale conflict
// staleKey names (e.g. "meeting.stale"), which the page shows with the current record.
func postedVersion(r *http.Request, staleKey string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("version")))
	if err != nil || n <= 0 {
		return 0, ding.Errorf(ding.ECONFLICT, staleKey)
	}
	return n, nil
}
