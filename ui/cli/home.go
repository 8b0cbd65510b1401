package cli

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/mspwire/mspwire/ui/tui"
)

// runHome shows the home screen: the wizard's first screen, drawn on stderr
// so stdout stays free for data.
func runHome(ctx context.Context, g *globals) error {
	r, err := buildStatus(ctx, g)
	if err != nil {
		return err
	}
	if g.accessible {
		tui.WriteHomeText(g.io.Err, r)
		return nil
	}
	p := tea.NewProgram(tui.NewHome(r), tea.WithContext(ctx), tea.WithInput(g.io.In), tea.WithOutput(g.io.Err))
	_, err = p.Run()
	return err
}
