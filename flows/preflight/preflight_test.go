package preflight

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckNamesWhatIsMissingOrOfAnotherKind(t *testing.T) {
	var invoices Route
	for _, r := range Routes {
		if r.Path == "/api/RecurringInvoice" {
			invoices = r
		}
	}
	for _, c := range []struct{ answer, want string }{
		{`{"record_count": 1, "invoices": [{"id": 1, "client_id": 2, "lines": [{"id": 3, "_itemid": 4, "qty_order": 5, "unit_price": 6.5}]}]}`, ""},
		{`{"record_count": 0, "invoices": []}`, ""},
		{`{"invoices": [{"id": 1, "client_id": 2, "lines": []}]}`, "`record_count` is missing"},
		{`{"record_count": 1, "data": []}`, `the answer has no "invoices" list`},
		{`{"record_count": 1, "invoices": {}}`, `"invoices" is not a list`},
		{`{"record_count": 1, "invoices": [{"id": "1", "client_id": 2, "lines": null}]}`, "`id` is a string, not a number"},
		{`{"record_count": 1, "invoices": [{"id": 1, "client_id": 2, "lines": [{"id": 3, "_itemid": 4, "qty_order": "5", "unit_price": 6}]}]}`,
			"`lines[].qty_order` is a string, not a number"},
		{`not json`, "the answer is not JSON"},
	} {
		got, _ := Check(invoices, json.RawMessage(c.answer))
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.answer, got, c.want)
		}
	}
	itglue := Route{List: "data", Fields: []Field{{"attributes.name", "string"}}}
	if got, _ := Check(itglue, json.RawMessage(`{"data": [{"id": "1", "attributes": {}}]}`)); got != "`attributes.name` is missing" {
		t.Errorf("nested: %q", got)
	}
}
