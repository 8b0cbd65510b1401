// mspwire onboards an MSP tenant's integrations between Liongard, HaloPSA,
// Hudu and IT Glue, and keeps them clean afterwards.
package main

import (
	"context"
	"os"

	"github.com/mspwire/mspwire/ui/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], cli.StdIO()))
}
