package path

import (
	"fmt"
	"strings"
	"testing"
)

func TestRecommendation(t *testing.T) {
	base := Answers{TechsLiveIn: "halopsa", DocsTool: "itglue"}
	deep := func(a Answers) Answers { a.DeepData, a.DedicatedOwner = true, true; return a }
	cases := []struct {
		a    Answers
		want ID
		why  string
	}{
		{base, A, "summary"},
		{Answers{TechsLiveIn: "docs", DocsTool: "hudu"}, A, "nobody will own"},
		{deep(base), A, "Enterprise"},
		{func() Answers { a := deep(base); a.ITGlueEnterprise = true; return a }(), B, "full inspection data in IT Glue"},
		{func() Answers { a := deep(base); a.ITGlueEnterprise, a.ITGlueTwoWay = true, true; return a }(), A, "two-way"},
		{deep(Answers{TechsLiveIn: "docs", DocsTool: "hudu"}), C, "Hudu"},
	}
	for i, c := range cases {
		got, why := Recommend(c.a)
		if got != c.want || !strings.Contains(why, c.why) {
			t.Errorf("%d: %s %q, want %s saying %q", i, got, why, c.want, c.why)
		}
	}
}

func TestStepsFollowTheGuide(t *testing.T) {
	ids := func(p ID, docs string) string {
		var out []string
		for _, s := range Steps(p, docs) {
			out = append(out, s.ID)
		}
		return strings.Join(out, " ")
	}
	if got := ids(B, "itglue"); got != "halopsa-agent halopsa-app credentials liongard-halopsa import-map alerts liongard-itglue flexible-assets pro-sync" {
		t.Errorf("B: %s", got)
	}
	if got := ids(C, "hudu"); !strings.HasSuffix(got, "alerts hudu-halopsa hudu-liongard") {
		t.Errorf("C: %s", got)
	}
	if got := ids(A, "hudu"); !strings.HasSuffix(got, "alerts hudu-halopsa") {
		t.Errorf("A/hudu: %s", got)
	}
	for _, p := range []ID{A, B, C} {
		for _, s := range Steps(p, "hudu") {
			if s.Kind == Guided && len(s.Clicks) == 0 {
				t.Errorf("%s/%s: a guided step without clicks", p, s.ID)
			}
		}
	}
	if fmt.Sprint(Needs(B, "hudu")) != "[{psa } {inspection } {documentation itglue}]" || fmt.Sprint(Needs(A, "hudu")) != "[{psa } {inspection } {documentation hudu}]" ||
		fmt.Sprint(Needs(C, "itglue")) != "[{psa } {inspection } {documentation hudu}]" || Fills(A, "", RMM) || !Fills(C, "", Documentation) {
		t.Error("roles per path")
	}
}

func TestAlertMappingProposal(t *testing.T) {
	m := ProposeAlertMapping([]string{"New", "In Progress", "Waiting on Customer", "Resolved", "Closed"}, []string{"P1 - Critical", "P2 - High", "P3 - Medium", "P4 - Low"})
	got := map[string]string{}
	for _, x := range m {
		got[x.Kind+"/"+x.Liongard] = x.HaloPSA
	}
	if got["status/New"] != "New" || got["status/Resolved"] != "Resolved" || got["priority/Critical"] != "P1 - Critical" || got["priority/Low"] != "P4 - Low" {
		t.Fatalf("%v", got)
	}
	if m[0].Kind != "status" || m[len(m)-1].Kind != "priority" {
		t.Fatal("order")
	}
}

func TestAnswersSetAndParse(t *testing.T) {
	var a Answers
	for _, q := range Questions {
		if err := a.Set(q.Key, q.Options[len(q.Options)-1].Value); err != nil {
			t.Fatal(err)
		}
	}
	if a.TechsLiveIn != "docs" || a.DocsTool != "hudu" || !a.DeepData || !a.ITGlueEnterprise {
		t.Fatalf("%+v", a)
	}
	if err := a.Set("docs_tool", "confluence"); err == nil {
		t.Fatal("accepted")
	}
	if p, err := Parse(" b "); err != nil || p != B {
		t.Fatal(p, err)
	}
	if _, err := Parse("D"); err == nil {
		t.Fatal("accepted D")
	}
}
