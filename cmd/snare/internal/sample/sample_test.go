package sample

import (
	"bytes"
	"testing"
)

func TestPacketsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := WritePcap(&a, Packets()); err != nil {
		t.Fatal(err)
	}
	if err := WritePcap(&b, Packets()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two runs of the generator differ")
	}
	pk := Packets()
	if len(pk) < 30 {
		t.Fatalf("only %d packets", len(pk))
	}
	for i := 1; i < len(pk); i++ {
		if pk[i].Time.Before(pk[i-1].Time) {
			t.Fatalf("packet %d goes back in time", i+1)
		}
		if len(pk[i].Data) < 60 {
			t.Fatalf("packet %d is %d bytes, below the Ethernet minimum", i+1, len(pk[i].Data))
		}
	}
}
