package web

// Notifications in the UI: the inbox (站内消息), each user's choices of what reaches them
// and where, and the administrators' page of group robots and delivery.

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"ding"
	"ding/i18n"
	"ding/store"
)

// inboxPageRoutes registers the inbox, the notification preferences and the robots page.
func (s *Server) inboxPageRoutes() {
	s.handle("GET /inbox", s.page(s.inboxPage, true))
	s.handle("POST /inbox/{id}/read", s.page(s.inboxRead, true))
	s.handle("POST /inbox/read-all", s.page(s.inboxReadAll, true))
	s.handle("GET /account/notifications", s.page(s.notifyPrefsPage, true))
	s.handle("POST /account/notifications", s.page(s.notifyPrefsSave, true))
	s.handle("GET /settings/robots", s.page(s.robotsPage, true))
	s.handle("POST /settings/robots", s.page(s.robotCreate, true))
	s.handle("POST /settings/robots/retry", s.page(s.outboxRetry, true))
	s.handle("POST /settings/robots/{id}", s.page(s.robotUpdate, true))
	s.handle("POST /settings/robots/{id}/enabled", s.page(s.robotSetEnabled, true))
}

// unreadCount is the caller's number of unread inbox items, for the layout's badge. A page
// does not fail over its badge: a problem counts as none, and is logged.
func (s *Server) unreadCount(ctx context.Context) int {
	if ding.ActorFrom(ctx) == nil {
		return 0
	}
	n, err := s.db.UnreadCount(ctx)
	if err != nil {
		s.log.Warn("unread count", "err", err)
		return 0
	}
	return n
}

// eventLabel names an event in lang; an event without a message shows its name.
func eventLabel(lang, event string) string {
	if key := "notify.event." + event; i18n.Has(key) {
		return i18n.T(lang, key)
	}
	return event
}

// notifyFlash shows a message of this file after a redirect (?done=…): the layout's flash
// only knows the shared "flash." messages.
func notifyFlash(v *view, r *http.Request) {
	switch done := r.URL.Query().Get("done"); done {
	case "read", "prefs", "robot_created", "robot_updated":
		v.Flash = v.T(map[string]string{"read": "inbox.flash_read", "prefs": "notify.prefs_saved",
			"robot_created": "notify.robot_created", "robot_updated": "notify.robot_updated"}[done])
	case "all", "retried":
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		if done == "all" {
			v.Flash = v.T("inbox.flash_all", n)
		} else {
			v.Flash = v.T("notify.outbox_retried", n)
		}
	}
}

// inboxItem is an inbox row as the page shows it.
type inboxItem struct {
	*store.Notification
	EventLabel string
	BodyLines  []string
}

const inboxPageSize = 50

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	unreadOnly := q.Get("unread") == "1"
	pg := pageParam(q)
	ns, total, err := s.db.Inbox(ctx, store.InboxFilter{UnreadOnly: unreadOnly, Limit: inboxPageSize, Offset: (pg - 1) * inboxPageSize})
	if err != nil {
		return err
	}
	unread, err := s.db.UnreadCount(ctx)
	if err != nil {
		return err
	}
	v := s.view(r, "inbox")
	notifyFlash(v, r)
	v.Title = v.T("inbox.title")
	v.Crumbs = []crumb{{Label: v.Title}}
	items := make([]inboxItem, len(ns))
	for i, n := range ns {
		items[i] = inboxItem{Notification: n, EventLabel: eventLabel(v.Lang, n.Event)}
		if n.Body != "" {
			items[i].BodyLines = strings.Split(n.Body, "\n")
		}
	}
	v.Data = map[string]any{
		"Items":      items,
		"Unread":     unread,
		"UnreadOnly": unreadOnly,
		"Pager":      newPager(r, total, pg, inboxPageSize),
	}
	s.render(w, r, "inbox", v)
	return nil
}

// inboxRead marks one of the caller's items read; someone else's is not found.
func (s *Server) inboxRead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.MarkRead(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/inbox?done=read", http.StatusSeeOther)
	return nil
}

func (s *Server) inboxReadAll(w http.ResponseWriter, r *http.Request) error {
	n, err := s.db.MarkAllRead(r.Context())
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/inbox?done=all&n="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

// prefRow is one event on the preferences page, with a box per channel.
type prefRow struct {
	Event, Label string
	Boxes        []prefBox
}

type prefBox struct {
	Channel store.Channel
	Value   string // event/channel: the checkbox's value
	On      bool
}

func (s *Server) notifyPrefsPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := accountSession(r); err != nil {
		return err
	}
	prefs, err := s.db.NotifyPrefs(r.Context())
	if err != nil {
		return err
	}
	v := s.view(r, "notify_prefs")
	notifyFlash(v, r)
	v.Title = v.T("notify.prefs_title")
	v.Crumbs = []crumb{{Label: v.T("account.title"), URL: "/account"}, {Label: v.Title}}
	var rows []prefRow
	for _, p := range prefs {
		if len(rows) == 0 || rows[len(rows)-1].Event != p.Event {
			rows = append(rows, prefRow{Event: p.Event, Label: eventLabel(v.Lang, p.Event)})
		}
		row := &rows[len(rows)-1]
		row.Boxes = append(row.Boxes, prefBox{Channel: p.Channel, Value: p.Event + "/" + string(p.Channel), On: p.Enabled})
	}
	v.Data = map[string]any{"Rows": rows, "Channels": store.UserChannels, "Email": reqOf(r).user.Email}
	s.render(w, r, "notify_prefs", v)
	return nil
}

// notifyPrefsSave stores the boxes of the form: every event and channel the page showed
// is on when ticked and off when not.
func (s *Server) notifyPrefsSave(w http.ResponseWriter, r *http.Request) error {
	if _, err := accountSession(r); err != nil {
		return err
	}
	shown, err := s.db.NotifyPrefs(r.Context())
	if err != nil {
		return err
	}
	ticked := r.PostForm["pref"]
	prefs := make([]store.NotifyPref, len(shown))
	for i, p := range shown {
		p.Enabled = slices.Contains(ticked, p.Event+"/"+string(p.Channel))
		prefs[i] = p
	}
	if err := s.db.SetNotifyPrefs(r.Context(), prefs); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/notifications?done=prefs", http.StatusSeeOther)
	return nil
}

// ---- Robots and delivery (administrators). ----

func isAdmin(r *http.Request) bool {
	a := reqOf(r).actor
	return a != nil && a.IsAdmin()
}

// robotRow is a robot as the list shows it: the webhook without its token.
type robotRow struct {
	*store.Robot
	Redacted    string
	EventLabels []string
}

// eventBox is an event's checkbox in the robot form.
type eventBox struct {
	Event, Label string
	On           bool
}

func (s *Server) robotsPage(w http.ResponseWriter, r *http.Request) error {
	if !isAdmin(r) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	v := s.view(r, "robots")
	notifyFlash(v, r)
	var edit *store.Robot
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil && id > 0 {
		rb, err := s.db.Robot(r.Context(), id)
		if err != nil {
			return err
		}
		edit = rb
		v.Form = robotForm(rb)
	} else {
		v.Form = url.Values{"enabled": {"1"}, "kind": {string(store.ChannelDingTalk)}}
	}
	return s.renderRobots(w, r, http.StatusOK, v, edit)
}

// robotForm is a robot's values for the form; webhook and secret stay empty (kept unless
// replaced), so that they are not sent back to the browser.
func robotForm(rb *store.Robot) url.Values {
	f := url.Values{"name": {rb.Name}, "kind": {string(rb.Kind)}, "events": rb.Events}
	if rb.Enabled {
		f.Set("enabled", "1")
	}
	return f
}

// renderRobots shows the robots, the form (for a new robot, or for edit) and the outbox.
func (s *Server) renderRobots(w http.ResponseWriter, r *http.Request, status int, v *view, edit *store.Robot) error {
	ctx := r.Context()
	robots, err := s.db.Robots(ctx)
	if err != nil {
		return err
	}
	stats, err := s.db.OutboxStats(ctx)
	if err != nil {
		return err
	}
	failed, err := s.db.FindNotifications(ctx, store.NotificationFilter{Status: store.NotifyFailed, Limit: 20})
	if err != nil {
		return err
	}
	v.Title = v.T("notify.robots_title")
	v.Crumbs = []crumb{{Label: v.T("settings.title"), URL: "/settings"}, {Label: v.Title}}
	rows := make([]robotRow, len(robots))
	for i, rb := range robots {
		rows[i] = robotRow{Robot: rb, Redacted: store.RedactWebhook(rb.Webhook)}
		for _, e := range rb.Events {
			rows[i].EventLabels = append(rows[i].EventLabels, eventLabel(v.Lang, e))
		}
	}
	events := slices.Clone(store.NotifyEvents)
	for _, e := range v.Form["events"] {
		if !slices.Contains(events, e) && e != "" {
			events = append(events, e)
		}
	}
	boxes := make([]eventBox, len(events))
	for i, e := range events {
		boxes[i] = eventBox{Event: e, Label: eventLabel(v.Lang, e), On: slices.Contains(v.Form["events"], e)}
	}
	// The outbox as a table: a row per channel, a column per state.
	counts := map[store.Channel]map[string]int{}
	var channels []store.Channel
	for _, st := range stats {
		if counts[st.Channel] == nil {
			counts[st.Channel] = map[string]int{}
			channels = append(channels, st.Channel)
		}
		counts[st.Channel][st.Status] = st.Count
	}
	type statRow struct {
		Channel               store.Channel
		Pending, Sent, Failed int
	}
	statRows := make([]statRow, len(channels))
	for i, c := range channels {
		statRows[i] = statRow{Channel: c, Pending: counts[c][store.NotifyPending], Sent: counts[c][store.NotifySent], Failed: counts[c][store.NotifyFailed]}
	}
	d := map[string]any{
		"Robots": rows, "Kinds": store.RobotKinds, "Events": boxes,
		"Stats": statRows, "Failed": failed, "Edit": edit,
	}
	if edit != nil {
		d["EditWebhook"] = store.RedactWebhook(edit.Webhook)
		d["EditSecretSet"] = edit.Secret != ""
	}
	v.Data = d
	s.renderStatus(w, r, status, "notify_robots", v)
	return nil
}

// robotFromForm applies the posted form to rb. An empty webhook or secret keeps the
// robot's (they are not shown again); a WeCom robot has no secret.
func robotFromForm(r *http.Request, rb *store.Robot) {
	rb.Name = r.PostFormValue("name")
	rb.Kind = store.Channel(r.PostFormValue("kind"))
	if wh := strings.TrimSpace(r.PostFormValue("webhook")); wh != "" || rb.ID == 0 {
		rb.Webhook = wh
	}
	if sec := strings.TrimSpace(r.PostFormValue("secret")); sec != "" {
		rb.Secret = sec
	} else if r.PostFormValue("clear_secret") == "1" || rb.Kind == store.ChannelWeCom {
		rb.Secret = ""
	}
	rb.Events = r.PostForm["events"]
	rb.Enabled = r.PostFormValue("enabled") == "1"
}

// robotFailed shows the form again for a problem the administrator can fix.
func (s *Server) robotFailed(w http.ResponseWriter, r *http.Request, err error, edit *store.Robot) error {
	switch ding.ErrorCode(err) {
	case ding.EINVALID, ding.ECONFLICT:
	default:
		return err
	}
	v := s.view(r, "robots")
	v.Form = r.PostForm
	v.withFormError(err)
	return s.renderRobots(w, r, statusOf(ding.ErrorCode(err)), v, edit)
}

func (s *Server) robotCreate(w http.ResponseWriter, r *http.Request) error {
	if !isAdmin(r) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	rb := &store.Robot{}
	robotFromForm(r, rb)
	if err := s.db.CreateRobot(r.Context(), rb); err != nil {
		return s.robotFailed(w, r, err, nil)
	}
	http.Redirect(w, r, "/settings/robots?done=robot_created", http.StatusSeeOther)
	return nil
}

func (s *Server) robotUpdate(w http.ResponseWriter, r *http.Request) error {
	if !isAdmin(r) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rb, err := s.db.Robot(r.Context(), id)
	if err != nil {
		return err
	}
	orig := *rb
	robotFromForm(r, rb)
	if err := s.db.UpdateRobot(r.Context(), rb); err != nil {
		return s.robotFailed(w, r, err, &orig)
	}
	http.Redirect(w, r, "/settings/robots?done=robot_updated", http.StatusSeeOther)
	return nil
}

// robotSetEnabled enables (enabled=1) or disables a robot from the list.
func (s *Server) robotSetEnabled(w http.ResponseWriter, r *http.Request) error {
	if !isAdmin(r) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rb, err := s.db.Robot(r.Context(), id)
	if err != nil {
		return err
	}
	rb.Enabled = r.PostFormValue("enabled") == "1"
	if err := s.db.UpdateRobot(r.Context(), rb); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/robots?done=robot_updated", http.StatusSeeOther)
	return nil
}

// outboxRetry queues every failed e-mail and robot message again.
func (s *Server) outboxRetry(w http.ResponseWriter, r *http.Request) error {
	if !isAdmin(r) {
		return ding.Errorf(ding.EFORBIDDEN, "err.forbidden")
	}
	n, err := s.db.RetryFailed(r.Context())
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/robots?done=retried&n="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}
