package itglue

import "testing"

func TestJSONAPIErrorsBecomeMessageAndFields(t *testing.T) {
	msg, fields := vendorMessage(422, []byte(`{"errors":[{"status":422,"title":"Valid organization_id is required","source":{"pointer":"data/attributes/organization_id"}},{"status":422,"title":"Unprocessable Entity","detail":"too many things"}]}`))
	if msg != "Unprocessable Entity: too many things" || len(fields) != 1 || fields[0].Field != "data/attributes/organization_id" || fields[0].Message != "Valid organization_id is required" {
		t.Fatalf("%q %+v", msg, fields)
	}
	if msg, _ := vendorMessage(502, []byte("<html>Bad gateway</html>")); msg != "<html>Bad gateway</html>" {
		t.Fatalf("plain body: %q", msg)
	}
}
