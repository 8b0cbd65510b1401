package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mspwire/mspwire/flows/review"
	"github.com/mspwire/mspwire/ui/prompt"
)

// accessibleReview is the review screen as a numbered list: the rows' ids
// are those of mspwire match list, and the commands those of mspwire match.
func accessibleReview(ctx context.Context, p prompt.Prompter, out io.Writer, b backend) error {
	fmt.Fprintln(out, "Matching the inventories; decisions already made are kept.")
	m, err := b.Review(ctx, true)
	if err != nil {
		return err
	}
	m.SetFilter(review.Filter{State: "todo"})
	from := 0
	for {
		fmt.Fprintf(out, "Review %s: %s.\n", m.Pair().Title(), m.Counts())
		page := min(from+15, m.Len())
		for i := from; i < page; i++ {
			d := m.At(i)
			right := "nothing suggested"
			if d.Right.ID != "" {
				right = fmt.Sprintf("%s (%s %s)", d.Right.Name, d.Right.System, d.Right.ID)
			}
			fmt.Fprintf(out, "%d. %s: %s, score %.2f, %s, %s. %s.\n", d.ID, d.Left.Name, right, d.Score, d.Band, d.State, d.Reason)
		}
		if page < m.Len() {
			fmt.Fprintf(out, "%d more rows: type more.\n", m.Len()-page)
		}
		cmd, err := p.Input("Command", "accept ID…, reject ID…, remap ID RIGHT_ID, new ID…, ignore ID…, accept strong, undo, more, all, pair; "+
			"an empty line ends the review (decisions are saved as made)", "", nil)
		if err != nil {
			return cancelled(err)
		}
		words := strings.Fields(strings.ToLower(cmd))
		if len(words) == 0 {
			return nil
		}
		var ids []int64
		for _, w := range words[1:] {
			if id, err := strconv.ParseInt(w, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
		switch words[0] {
		case "done", "quit":
			return nil
		case "more":
			from = page % max(1, m.Len())
			continue
		case "all":
			m.SetFilter(review.Filter{})
		case "pair":
			m.NextPair()
		case "undo":
			n, err := m.Undo(ctx)
			report(out, err, fmt.Sprintf("Undid %d row(s).", n))
		case "accept":
			if len(words) > 1 && words[1] == "strong" {
				n, err := m.AcceptSafe(ctx)
				report(out, err, fmt.Sprintf("Accepted %d exact and strong suggestions.", n))
				break
			}
			report(out, m.Accept(ctx, ids...), fmt.Sprintf("Accepted %d.", len(ids)))
		case "reject":
			report(out, m.Reject(ctx, ids...), fmt.Sprintf("Rejected %d.", len(ids)))
		case "new":
			report(out, m.Create(ctx, ids...), fmt.Sprintf("%d to create.", len(ids)))
		case "ignore":
			report(out, m.Ignore(ctx, ids...), fmt.Sprintf("Ignored %d.", len(ids)))
		case "remap":
			if len(words) != 3 || len(ids) == 0 {
				fmt.Fprintln(out, "Write remap, the row's id, then the other system's record id.")
				continue
			}
			report(out, m.Remap(ctx, ids[0], words[2]), "Re-mapped.")
		default:
			fmt.Fprintf(out, "Unknown command %q.\n", words[0])
		}
		from = 0
	}
}

func report(out io.Writer, err error, ok string) {
	if err != nil {
		fmt.Fprintf(out, "Not done: %v\n", err)
		return
	}
	fmt.Fprintln(out, ok)
}
