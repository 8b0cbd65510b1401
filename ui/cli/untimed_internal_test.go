package cli

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"
)

// Only the wizard, the demo and the sandbox's server run without the
// --timeout deadline; every other command, whatever its name, has one.
func TestOnlyTheLongRunningCommandsAreUntimed(t *testing.T) {
	root, _ := newRoot(IO{})
	var got []string
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Annotations[untimed] != "" {
			got = append(got, c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	slices.Sort(got)
	if want := []string{"mspwire", "mspwire demo", "mspwire sandbox serve"}; !slices.Equal(got, want) {
		t.Fatalf("untimed commands %v, want %v", got, want)
	}
}
