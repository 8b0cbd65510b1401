package tui

import (
	"fmt"
	"strings"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/connect"
)

// credForm is a system's credential form, made from its adapter's fields:
// the same fields the CLI's flags and prompts and the accessible prompts
// are made from.
type credForm struct {
	info   adapter.Info
	text   map[string]*string   // field key -> what is typed
	lists  map[string]*[]string // multi-choice field key -> what is ticked
	secret *string
	form   *form
}

// keep selects the fields a form asks: all for a login, the rotating
// ones for a rotation.
type keep func(adapter.Field) bool

func allFields(adapter.Field) bool { return true }

// newCredForm builds the form with values (and the secret) as defaults.
// A field another one can stand in for (Liongard's instance or URL) shows
// whichever holds a value.
func newCredForm(info adapter.Info, values connect.Values, secret *string, which keep, secretHelp string) *credForm {
	return newCredFormTitled(info, values, secret, which, secretHelp, "")
}

// newCredFormTitled is newCredForm with each title after a prefix: "New
// access key ID".
func newCredFormTitled(info adapter.Info, values connect.Values, secret *string, which keep, secretHelp, prefix string) *credForm {
	c := &credForm{info: info, text: map[string]*string{}, lists: map[string]*[]string{}, secret: secret}
	var fields []formField
	for _, f := range info.Fields {
		if f.FlagOnly || !which(f) {
			continue
		}
		f.Title = f.TitleAfter(prefix)
		switch {
		case f.Secret:
			help := f.Help
			if secretHelp != "" {
				help = secretHelp
			}
			fields = append(fields, newInput(f.Title, help, secret, true, required("the "+f.Noun)))
		case len(f.Options) > 0:
			ticked := values.List(f.Key)
			c.lists[f.Key] = &ticked
			var opts []option
			for _, o := range f.Options {
				opts = append(opts, option{o.Label, o.Value})
			}
			fields = append(fields, newMulti(f.Title, f.Help, opts, &ticked))
		default:
			v := values[f.Key]
			if v == "" && f.Or != "" {
				v = values[f.Or]
			}
			if v == "" {
				v = f.Default
			}
			c.text[f.Key] = &v
			check := optional(f.Validate)
			if f.Required {
				check = requiredAnd(f.Title, f.Validate)
			}
			fields = append(fields, newInput(f.Title, f.Help, &v, false, check))
		}
	}
	c.form = newForm(fields...)
	return c
}

// values are what the form holds, as the adapter takes them.
func (c *credForm) values() connect.Values {
	v := connect.Values{}
	for _, f := range c.info.Fields {
		switch {
		case c.text[f.Key] != nil:
			v[f.Key] = strings.TrimSpace(*c.text[f.Key])
		case c.lists[f.Key] != nil:
			v[f.Key] = strings.Join(*c.lists[f.Key], ",")
		}
	}
	return v
}

// trailingSlash says a URL field ends in a slash, which will be removed.
func (c *credForm) trailingSlash() bool {
	for _, t := range c.text {
		if s := strings.TrimSpace(*t); strings.Contains(s, "://") && strings.HasSuffix(s, "/") {
			return true
		}
	}
	return false
}

func required(what string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("%s is required", what)
		}
		return nil
	}
}

// optional checks a value only when there is one.
func optional(check func(string) error) func(string) error {
	if check == nil {
		return nil
	}
	return func(s string) error {
		if s = strings.TrimSpace(s); s != "" {
			return check(s)
		}
		return nil
	}
}

// requiredAnd is required, then the field's own check.
func requiredAnd(what string, check func(string) error) func(string) error {
	return func(s string) error {
		if err := required(what)(s); err != nil {
			return err
		}
		if check != nil {
			return check(strings.TrimSpace(s))
		}
		return nil
	}
}
