package instrument

import "math"

// ReliableChangeSize is the smallest change on the reported scale that counts
// as reliable: the fixed size where the instrument publishes one, else the
// Jacobson-Truax threshold 1.96 * sqrt(2) * SD * sqrt(1 - reliability), the
// change a reliable-change index of 1.96 stands for. It is 0 when the
// definition gives neither, so no change is ever called reliable then.
// Charts and explanations use it; Change decides with the same numbers.
func (d *Definition) ReliableChangeSize() float64 {
	rc := d.ReliableChange
	switch {
	case rc.Size > 0:
		return rc.Size
	case rc.SD > 0:
		return jtCritical * math.Sqrt2 * rc.SD * math.Sqrt(1-rc.Reliability)
	}
	return 0
}
