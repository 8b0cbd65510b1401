package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// The archives hold the files by their base names, the checksum file is
// what sha256sum -c reads, and the SBOM names every module compiled in.
func TestArchivesChecksumsAndSBOM(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "mspwire")
	if err := os.WriteFile(bin, []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	tgz, err := writeTarGz(filepath.Join(dir, "a.tar.gz"), []string{bin, "main.go"})
	if err != nil {
		t.Fatal(err)
	}
	zp, err := writeZip(filepath.Join(dir, "a.zip"), []string{bin, "main.go"})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(tgz)
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for h, err := tr.Next(); err == nil; h, err = tr.Next() {
		names = append(names, h.Name+":"+h.FileInfo().Mode().String())
	}
	f.Close()
	if strings.Join(names, " ") != "mspwire:-rwxr-xr-x main.go:-rw-r--r--" {
		t.Errorf("tar: %v", names)
	}
	zr, err := zip.OpenReader(zp)
	if err != nil || len(zr.File) != 2 || zr.File[0].Name != "mspwire" {
		t.Fatalf("zip: %v", err)
	}
	zr.Close()

	sbom := filepath.Join(dir, "mspwire.cdx.json")
	info := &buildinfo.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/mspwire/mspwire", Version: "v1.2.3"},
		Deps: []*debug.Module{{Path: "modernc.org/sqlite", Version: "v1.40.0", Sum: "h1:abc="}}}
	if err := writeSBOM(sbom, info); err != nil {
		t.Fatal(err)
	}
	var doc bom
	b, _ := os.ReadFile(sbom)
	if err := json.Unmarshal(b, &doc); err != nil || doc.BOMFormat != "CycloneDX" || doc.Metadata.Component.PURL != "pkg:golang/github.com/mspwire/mspwire@v1.2.3" ||
		len(doc.Components) != 2 || doc.Components[1].PURL != "pkg:golang/modernc.org/sqlite@v1.40.0" || len(doc.Dependencies[0].DependsOn) != 2 {
		t.Fatalf("%v\n%s", err, b)
	}

	sums := filepath.Join(dir, "SHA256SUMS")
	if err := writeChecksums(sums, []string{zp, tgz}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(sums)
	data, _ := os.ReadFile(tgz)
	h := sha256.Sum256(data)
	if lines := strings.Split(strings.TrimSpace(string(got)), "\n"); len(lines) != 2 || lines[0] != hex.EncodeToString(h[:])+"  a.tar.gz" {
		t.Fatalf("%s", got)
	}
}
