package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mspwire/mspwire/flows/adapter"
	"github.com/mspwire/mspwire/flows/connect"
	"github.com/mspwire/mspwire/ui/prompt"
)

// The credential flags and prompts are made from the adapters' fields,
// as the wizard's forms are: a new vendor brings its own.

// keep selects the fields a command takes: all for a login, the rotating
// ones for a rotation.
type keep func(adapter.Field) bool

func loginFields(f adapter.Field) bool  { return true }
func rotateFields(f adapter.Field) bool { return f.Rotates }

// credentialFlags are the non-secret fields of every system as flags,
// shared by login and rotate.
type credentialFlags struct {
	flags       map[string]*string // flag name -> value
	secretStdin bool
	cmd         *cobra.Command
}

// register adds a flag for every field which keeps, once per flag name,
// its usage saying what it is in each system that has it.
func (c *credentialFlags) register(cmd *cobra.Command, which keep) {
	c.flags, c.cmd = map[string]*string{}, cmd
	var order []string
	usage := map[string][]string{}
	for _, a := range adapter.All() {
		info := a.Info()
		for _, f := range info.Fields {
			if f.Secret || f.Flag == "" || !which(f) {
				continue
			}
			if _, ok := usage[f.Flag]; !ok {
				order = append(order, f.Flag)
			}
			usage[f.Flag] = append(usage[f.Flag], info.Name+": "+flagUsage(f))
		}
	}
	for _, name := range order {
		c.flags[name] = new(string)
		cmd.Flags().StringVar(c.flags[name], name, "", strings.Join(usage[name], "; "))
	}
	cmd.Flags().BoolVar(&c.secretStdin, "secret-stdin", false, "read the secret from standard input (for scripts; never pass a secret as a flag)")
}

func flagUsage(f adapter.Field) string {
	s := f.Title
	if f.FlagOnly && f.Help != "" {
		s += ", " + f.Help
	}
	if len(f.Options) > 0 {
		var vs []string
		for _, o := range f.Options {
			vs = append(vs, o.Value)
		}
		s += " (comma-separated: " + strings.Join(vs, ", ") + ")"
	}
	return s
}

// values are the flags given, as the system's fields; a flag the system
// has no field for is refused.
func (c *credentialFlags) values(info adapter.Info) (connect.Values, error) {
	v := connect.Values{}
	known := map[string]bool{}
	for _, f := range info.Fields {
		if f.Flag == "" {
			continue
		}
		known[f.Flag] = true
		if p := c.flags[f.Flag]; p != nil && *p != "" {
			v[f.Key] = *p
		}
	}
	for name := range c.flags {
		if c.cmd.Flags().Changed(name) && !known[name] {
			return nil, fmt.Errorf("--%s is not something %s asks for (it takes %s)", name, info.Name, flagList(info))
		}
	}
	return v, nil
}

// flagList is "--url --client-id [--tenant] [--used-by]": the flags of a
// system, the optional ones in brackets.
func flagList(info adapter.Info) string {
	var parts []string
	for _, f := range info.Fields {
		switch {
		case f.Secret || f.Flag == "" || f.FlagOnly:
		case f.Or != "":
			parts = append(parts, "--"+f.Flag+" or --"+orFlag(info, f))
		case f.Required:
			parts = append(parts, "--"+f.Flag)
		default:
			parts = append(parts, "[--"+f.Flag+"]")
		}
	}
	return strings.Join(parts, " ")
}

func orFlag(info adapter.Info, f adapter.Field) string {
	for _, o := range info.Fields {
		if o.Key == f.Or {
			return o.Flag
		}
	}
	return f.Or
}

// systemsHelp lists every system with its flags, for a command's help.
func systemsHelp() string {
	var lines []string
	for _, a := range adapter.All() {
		info := a.Info()
		lines = append(lines, fmt.Sprintf("  %-9s %s: %s", info.ID, info.Name, flagList(info)))
	}
	return strings.Join(lines, "\n")
}

// systemArg is the system a command names.
func systemArg(args []string) (adapter.Info, error) {
	if len(args) != 1 {
		var names []string
		for _, a := range adapter.All() {
			names = append(names, fmt.Sprintf("%s (%s)", a.Info().ID, a.Info().Name))
		}
		return adapter.Info{}, fmt.Errorf("name one system: %s", strings.Join(names, ", "))
	}
	a, err := adapter.Lookup(strings.ToLower(args[0]))
	if err != nil {
		return adapter.Info{}, err
	}
	return a.Info(), nil
}

// askFields asks for the fields which keeps: with all, every one, its
// current value the default (the accessible wizard); else only those with
// no value (a login's missing flags). Without a prompter a missing
// required field is an error naming its flag.
func askFields(p prompt.Prompter, info adapter.Info, v connect.Values, which keep, all bool, prefix string) (connect.Values, error) {
	v = v.Clone()
	for _, f := range info.Fields {
		if f.Secret || f.FlagOnly || !which(f) {
			continue
		}
		have := v[f.Key]
		if have == "" && f.Or != "" {
			have = v[f.Or]
		}
		if have != "" && !all {
			continue
		}
		if p == nil {
			if f.Required {
				return v, fmt.Errorf("--%s required when not running interactively", f.Flag)
			}
			continue
		}
		if have == "" {
			have = f.Default
		}
		help := f.Help
		if len(f.Options) > 0 {
			help = strings.TrimSpace(help + " (comma-separated: " + optionList(f) + ")")
		}
		if have != "" {
			help = strings.TrimSpace(help + "; enter keeps " + have)
		}
		answer, err := p.Input(f.TitleAfter(prefix), help, have, inputCheck(f, have))
		if err != nil {
			return v, err
		}
		if strings.TrimSpace(answer) == "" {
			answer = have // an empty line keeps the default
		}
		if f.Or != "" {
			delete(v, f.Or) // what was typed stands for both
		}
		v[f.Key] = strings.TrimSpace(answer)
	}
	return v, nil
}

func optionList(f adapter.Field) string {
	var vs []string
	for _, o := range f.Options {
		vs = append(vs, o.Value)
	}
	return strings.Join(vs, ", ")
}

// inputCheck is a field's check at its prompt; with a default, an empty
// line keeps it.
func inputCheck(f adapter.Field, def string) func(string) error {
	return func(s string) error {
		s = strings.TrimSpace(s)
		switch {
		case s == "" && def != "":
			return nil
		case s == "" && f.Required:
			return fmt.Errorf("%s is required", f.Title)
		case s != "" && f.Validate != nil:
			return f.Validate(s)
		}
		return nil
	}
}

// readSecret takes the secret from stdin (--secret-stdin) or a masked
// prompt; never from a flag, so it stays out of shell history and ps.
func readSecret(g *globals, secretStdin bool, info adapter.Info, what string) (string, error) {
	if secretStdin {
		raw, err := io.ReadAll(io.LimitReader(g.io.In, 64<<10))
		if err != nil {
			return "", fmt.Errorf("reading the secret from stdin: %w", err)
		}
		secret := strings.TrimRight(string(raw), "\r\n")
		if strings.TrimSpace(secret) == "" {
			return "", errors.New("stdin was empty: pipe the secret in, e.g. mspwire auth login " + info.ID + " --secret-stdin < secret.txt")
		}
		return secret, nil
	}
	p := g.prompter()
	if p == nil {
		return "", fmt.Errorf("give the %s on stdin with --secret-stdin when not running interactively (never as a flag)", what)
	}
	return p.Secret(info.Name+" "+what, "Paste it; it is not shown and goes only to the OS keyring.")
}
