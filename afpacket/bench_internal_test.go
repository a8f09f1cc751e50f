//go:build linux

package afpacket

import (
	"encoding/binary"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/snare-pcap/snare"
	"github.com/snare-pcap/snare/link"
)

// ringModule hands out sources over a synthetic ring (no socket), so
// that the read path can be measured without a network: "synthring://".
type ringModule struct{}

var synthSrc *src // the source the next Create returns

func init() { snare.Register(ringModule{}) }

func (ringModule) Name() string                        { return "afpacket-synthetic-ring" }
func (ringModule) Prefixes() []string                  { return []string{"synthring://"} }
func (ringModule) Devices() ([]snare.Interface, error) { return nil, nil }
func (ringModule) Create(string) (snare.Source, error) { return synthSource{synthSrc}, nil }
func (s synthSource) Activate(o snare.Options) error   { s.activated = true; return nil }

// synthSource is a src whose ring is filled by the test.
type synthSource struct{ *src }

// synthRing returns a source whose ring holds blocks of size blk, each
// full of frames of size bytes (Ethernet, received), all owned by user
// space.
func synthRing(blocks, blk, size int) (*src, int) {
	s := newSource("synthring://x")
	s.ring = make([]byte, blocks*blk)
	s.blkSize, s.nBlocks = blk, blocks
	s.snaplen = link.DefaultMaxSnapLen
	s.micro = true
	s.loIndex = 1
	s.linkType.Store(uint32(link.EN10MB))
	s.dir.Store(uint32(snare.DirectionIn))
	frame := align16(tpacket3HdrLen+20+16+vlanTagLen) + align16(size)
	per := (blk - 48) / frame
	for b := range blocks {
		base := b * blk
		binary.LittleEndian.PutUint32(s.ring[base+bdNumPkts:], uint32(per))
		binary.LittleEndian.PutUint32(s.ring[base+bdFirstPkt:], 48)
		for i := range per {
			off := 48 + i*frame
			h := (*unix.Tpacket3Hdr)(unsafe.Pointer(&s.ring[base+off]))
			h.Next_offset = uint32(frame)
			h.Sec, h.Nsec = 1700000000, uint32(i*1000+123)
			h.Snaplen, h.Len = uint32(size), uint32(size)
			h.Mac = uint16(align16(tpacket3HdrLen + 20 + 16 + vlanTagLen))
			sll := (*unix.RawSockaddrLinklayer)(unsafe.Pointer(&s.ring[base+off+tpacket3HdrLen]))
			sll.Ifindex, sll.Pkttype, sll.Protocol = 2, 0, htons(0x0800)
			s.ring[base+off+int(h.Mac)+12] = 0x08
		}
	}
	return s, per * blocks
}

// synthHandle activates a Handle over a synthetic ring (synthRing's
// arguments) for a benchmark.
func synthHandle(b *testing.B, blocks, blk, size int) (*src, *snare.Handle) {
	s, _ := synthRing(blocks, blk, size)
	synthSrc = s
	h, err := snare.NewHandle("synthring://x")
	if err != nil {
		b.Fatal(err)
	}
	if err := h.Activate(); err != nil {
		b.Fatal(err)
	}
	return s, h
}

// readyAll hands every block of the synthetic ring to user space again.
func (s *src) readyAll() {
	for i := range s.nBlocks {
		*s.word(i, bdStatus) = tpStatusUser
	}
}

// drainBatches reads the whole synthetic ring with NextBatch, passing
// each batch to fn.
func drainBatches(b *testing.B, s *src, h *snare.Handle, fn func([]snare.Packet)) {
	s.readyAll()
	for {
		pkts, err := h.NextBatch()
		if err != nil {
			b.Fatal(err)
		}
		fn(pkts)
		if !s.Pending() {
			return
		}
	}
}

// BenchmarkDispatchRing measures the read path per packet, Handle.Dispatch
// down to the ring, on 60-byte frames: the cost the live benchmark's
// capture programs pay in user space besides their output.
func BenchmarkDispatchRing(b *testing.B) {
	s, h := synthHandle(b, 16, 256<<10, 60)
	var n, bytes int
	fn := func(data []byte, ci snare.CaptureInfo) { n++; bytes += len(data) + int(ci.Timestamp.Nanosecond()&1) }
	b.ResetTimer()
	for b.Loop() {
		s.readyAll()
		if _, err := h.Dispatch(0, fn); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/pkt")
	if bytes != 60*n {
		b.Fatalf("%d bytes in %d packets", bytes, n)
	}
}

// BenchmarkNextBatchRing is BenchmarkDispatchRing with Handle.NextBatch.
func BenchmarkNextBatchRing(b *testing.B) {
	s, h := synthHandle(b, 16, 256<<10, 60)
	var n, bytes int
	b.ResetTimer()
	for b.Loop() {
		drainBatches(b, s, h, func(pkts []snare.Packet) {
			for i := range pkts {
				p := &pkts[i]
				n++
				bytes += len(p.Data) + p.Info.Timestamp.Nanosecond()&1
			}
		})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/pkt")
	if bytes != 60*n {
		b.Fatalf("%d bytes in %d packets", bytes, n)
	}
}

// BenchmarkNextBatchRingCold reads a 128 MiB synthetic ring (beyond the
// caches) of 600-byte frames and copies every packet, as snare -w does.
func BenchmarkNextBatchRingCold(b *testing.B) {
	s, h := synthHandle(b, 512, 256<<10, 600)
	dst := make([]byte, 1<<20)
	var n, w int
	b.ResetTimer()
	for b.Loop() {
		drainBatches(b, s, h, func(pkts []snare.Packet) {
			for i := range pkts {
				if w+len(pkts[i].Data) > len(dst) {
					w = 0
				}
				w += copy(dst[w:], pkts[i].Data)
			}
			n += len(pkts)
		})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/pkt")
}
