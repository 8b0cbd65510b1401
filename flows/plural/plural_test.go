package plural

import "testing"

func TestN(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 seats"}, {1, "1 seat"}, {2, "2 seats"}, {-1, "-1 seat"}, {-3, "-3 seats"}} {
		if got := N(c.n, "seat", "seats"); got != c.want {
			t.Errorf("N(%d): %q, want %q", c.n, got, c.want)
		}
	}
}

func TestAnd(t *testing.T) {
	for want, xs := range map[string][]string{"": nil, "a": {"a"}, "a and b": {"a", "b"}, "a, b and c": {"a", "b", "c"}} {
		if got := And(xs); got != want {
			t.Errorf("And(%q): %q, want %q", xs, got, want)
		}
	}
	if got := Or([]string{"a", "b", "c"}); got != "a, b or c" {
		t.Errorf("Or: %q", got)
	}
}
