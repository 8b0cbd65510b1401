// Command dist builds mspwire for the systems MSP engineers run — Linux,
// macOS and Windows, on amd64 and arm64 — as archives in dist/, with a
// SHA-256 checksum file and a CycloneDX SBOM read from the binary's own
// build information. Pure Go all the way (no cgo): it cross-compiles on
// any machine with Go, and needs no zip or tar tool.
//
//	go run ./scripts/dist [-o dist] [-targets linux/amd64,windows/arm64]
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// targets are every system mspwire is built for.
var targets = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"}

func main() {
	out := flag.String("o", "dist", "where the archives go")
	only := flag.String("targets", strings.Join(targets, ","), "comma-separated GOOS/GOARCH pairs")
	flag.Parse()
	if err := run(*out, strings.Split(*only, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

func run(out string, targets []string) error {
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var archives []string
	var sbomFrom string
	for _, t := range targets {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(t), "/")
		if !ok {
			return fmt.Errorf("target %q: want GOOS/GOARCH", t)
		}
		name := "mspwire"
		if goos == "windows" {
			name += ".exe"
		}
		bin := filepath.Join(out, "build", goos+"-"+goarch, name)
		fmt.Fprintf(os.Stderr, "building %s/%s\n", goos, goarch)
		cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=auto", "-ldflags=-s -w", "-o", bin, ".") // the commit, for --version and the SBOM
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build for %s/%s: %w", goos, goarch, err)
		}
		if sbomFrom == "" {
			sbomFrom = bin
		}
		files := []string{bin, "README.md", "LICENSE"}
		var archive string
		var err error
		if goos == "windows" {
			archive, err = writeZip(filepath.Join(out, "mspwire_"+goos+"_"+goarch+".zip"), files)
		} else {
			archive, err = writeTarGz(filepath.Join(out, "mspwire_"+goos+"_"+goarch+".tar.gz"), files)
		}
		if err != nil {
			return err
		}
		archives = append(archives, archive)
	}
	info, err := buildinfo.ReadFile(sbomFrom)
	if err != nil {
		return fmt.Errorf("reading the build information of %s: %w", sbomFrom, err)
	}
	sbom := filepath.Join(out, "mspwire.cdx.json")
	if err := writeSBOM(sbom, info); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(out, "build")); err != nil {
		return err
	}
	return writeChecksums(filepath.Join(out, "SHA256SUMS"), append(archives, sbom))
}

func writeTarGz(path string, files []string) (string, error) {
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for _, name := range files {
		st, err := os.Stat(name)
		if err != nil {
			return "", err
		}
		hdr, err := tar.FileInfoHeader(st, "")
		if err != nil {
			return "", err
		}
		hdr.Name, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = filepath.Base(name), 0, 0, "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return "", err
		}
		if err := copyFile(tw, name); err != nil {
			return "", err
		}
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	if err := gz.Close(); err != nil {
		return "", err
	}
	return path, f.Close()
}

func writeZip(path string, files []string) (string, error) {
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, name := range files {
		st, err := os.Stat(name)
		if err != nil {
			return "", err
		}
		hdr, err := zip.FileInfoHeader(st)
		if err != nil {
			return "", err
		}
		hdr.Name, hdr.Method = filepath.Base(name), zip.Deflate
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			return "", err
		}
		if err := copyFile(w, name); err != nil {
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return path, f.Close()
}

func copyFile(w io.Writer, name string) error {
	r, err := os.Open(name)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(w, r)
	return err
}

// writeChecksums writes "<sha256>  <file>" lines, as sha256sum -c reads.
func writeChecksums(path string, files []string) error {
	var b strings.Builder
	sort.Strings(files)
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), filepath.Base(name))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// The CycloneDX 1.5 document, as much of it as an SBOM of a Go binary
// needs: the application, each module compiled in, the toolchain.
type (
	bom struct {
		BOMFormat    string       `json:"bomFormat"`
		SpecVersion  string       `json:"specVersion"`
		Version      int          `json:"version"`
		Metadata     metadata     `json:"metadata"`
		Components   []component  `json:"components"`
		Dependencies []dependency `json:"dependencies"`
	}
	metadata struct {
		Timestamp string    `json:"timestamp"`
		Component component `json:"component"`
	}
	component struct {
		Type       string     `json:"type"`
		BOMRef     string     `json:"bom-ref"`
		Name       string     `json:"name"`
		Version    string     `json:"version"`
		PURL       string     `json:"purl"`
		Properties []property `json:"properties,omitempty"`
	}
	property struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	dependency struct {
		Ref       string   `json:"ref"`
		DependsOn []string `json:"dependsOn"`
	}
)

func purl(path, version string) string { return "pkg:golang/" + path + "@" + version }

func writeSBOM(path string, info *buildinfo.BuildInfo) error {
	version := info.Main.Version
	if version == "" || version == "(devel)" {
		version = "devel"
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				version = "devel-" + s.Value[:min(12, len(s.Value))]
			}
		}
	}
	app := component{Type: "application", Name: info.Main.Path, Version: version, PURL: purl(info.Main.Path, version)}
	app.BOMRef = app.PURL
	doc := bom{BOMFormat: "CycloneDX", SpecVersion: "1.5", Version: 1, Metadata: metadata{Timestamp: time.Now().UTC().Format(time.RFC3339), Component: app}}
	root := dependency{Ref: app.BOMRef, DependsOn: []string{}}
	toolchain := component{Type: "library", Name: "stdlib", Version: info.GoVersion, PURL: purl("stdlib", info.GoVersion)}
	toolchain.BOMRef = toolchain.PURL
	doc.Components = append(doc.Components, toolchain)
	root.DependsOn = append(root.DependsOn, toolchain.BOMRef)
	for _, d := range info.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		c := component{Type: "library", Name: m.Path, Version: m.Version, PURL: purl(m.Path, m.Version)}
		c.BOMRef = c.PURL
		if m.Sum != "" {
			c.Properties = []property{{Name: "go:module:sum", Value: m.Sum}} // go.sum's h1: hash (CycloneDX has no algorithm for it)
		}
		doc.Components = append(doc.Components, c)
		root.DependsOn = append(root.DependsOn, c.BOMRef)
	}
	doc.Dependencies = []dependency{root}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
