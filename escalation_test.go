package ding

import (
	"errors"
	"testing"
)

func TestLadderValidate(t *testing.T) {
	if err := DefaultLadder.Validate(DefaultColours); err != nil {
		t.Fatalf("default ladder: %v", err)
	}
	cases := []struct {
		name string
		l    Ladder
		key  string
	}{
		{"unknown colour", Ladder{{Colour: "purple", Periods: 1, Action: ActionRemind}}, "ladder.colour_unknown"},
		{"unknown action", Ladder{{Colour: "red", Periods: 1, Action: "fine"}}, "ladder.action_invalid"},
		{"zero periods", Ladder{{Colour: "red", Periods: 0, Action: ActionRemind}}, "ladder.periods_range"},
		{"25 periods", Ladder{{Colour: "red", Periods: 25, Action: ActionRemind}}, "ladder.periods_range"},
		{"letter without due", Ladder{{Colour: "red", Periods: 1, Action: ActionLetterSupervise}}, "ladder.due_range"},
		{"interview 91 days", Ladder{{Colour: "red", Periods: 1, Action: ActionInterview, DueDays: 91}}, "ladder.due_range"},
		{"reminder with due", Ladder{{Colour: "red", Periods: 1, Action: ActionRemind, DueDays: 3}}, "ladder.due_unexpected"},
		{"twice", Ladder{{Colour: "red", Periods: 1, Action: ActionBulletin}, {Colour: "red", Periods: 1, Action: ActionBulletin}}, "ladder.step_twice"},
	}
	for _, c := range cases {
		err := c.l.Validate(DefaultColours)
		var e *Error
		if err == nil || !errors.As(err, &e) || e.Key != c.key || e.Code != EINVALID {
			t.Errorf("%s: %v, want %s", c.name, err, c.key)
		}
	}
	// The error names the step.
	err := Ladder{{Colour: "red", Periods: 1, Action: ActionBulletin}, {Colour: "red", Periods: 0, Action: ActionRemind}}.Validate(DefaultColours)
	var e *Error
	if !errors.As(err, &e) || len(e.Args) == 0 || e.Args[0] != 2 {
		t.Fatalf("step number: %+v", err)
	}
	if err := (Ladder{}).Validate(DefaultColours); err != nil {
		t.Fatalf("an empty ladder (no escalation) is allowed: %v", err)
	}
}

func TestLetterSettingsDefaults(t *testing.T) {
	s := DefaultLetterSettings("衢江区")
	if s.Issuer != "衢江区重大项目推进办公室" || s.Prefixes[ActionLetterAssign] != "衢江重大办交办" {
		t.Fatalf("%+v", s)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	s.Issuer = " "
	if err := s.Validate(); err == nil {
		t.Fatal("blank issuer accepted")
	}
}

func TestInterviewValidate(t *testing.T) {
	today := Date{2024, 8, 5}
	ok := Interview{HeldOn: Date{2024, 8, 1}, Interviewer: "区长", Interviewees: "镇长", Commitments: "月底补齐"}
	if err := ok.Validate(today); err != nil {
		t.Fatal(err)
	}
	for name, iv := range map[string]Interview{
		"no date":       {Interviewer: "a", Interviewees: "b", Commitments: "c"},
		"future":        {HeldOn: Date{2024, 8, 6}, Interviewer: "a", Interviewees: "b", Commitments: "c"},
		"no one":        {HeldOn: Date{2024, 8, 1}, Interviewees: "b", Commitments: "c"},
		"follow before": {HeldOn: Date{2024, 8, 1}, Interviewer: "a", Interviewees: "b", Commitments: "c", FollowUpOn: Date{2024, 7, 1}},
	} {
		if err := iv.Validate(today); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}
