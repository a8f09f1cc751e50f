package dumper

import (
	"strconv"
	"time"
)

// Strftime expands the conversions of C's strftime(3) in pattern for
// t (in t's location), as tcpdump does for -G file names. It knows the
// C99 and POSIX conversions (%a %A %b %B %c %C %d %D %e %F %g %G %h %H
// %I %j %k %l %m %M %n %p %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y
// %z %Z %%), in the C locale; an unknown conversion is kept as is.
func Strftime(pattern string, t time.Time) string {
	b := make([]byte, 0, len(pattern)+16)
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c != '%' || i+1 == len(pattern) {
			b = append(b, c)
			continue
		}
		i++
		b = appendConv(b, pattern[i], t)
	}
	return string(b)
}

func pad(b []byte, n, width int, fill byte) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, fill)
	}
	return append(b, s...)
}

func appendConv(b []byte, c byte, t time.Time) []byte {
	switch c {
	case 'a':
		return append(b, t.Weekday().String()[:3]...)
	case 'A':
		return append(b, t.Weekday().String()...)
	case 'b', 'h':
		return append(b, t.Month().String()[:3]...)
	case 'B':
		return append(b, t.Month().String()...)
	case 'c':
		return t.AppendFormat(b, "Mon Jan _2 15:04:05 2006")
	case 'C':
		return pad(b, t.Year()/100, 2, '0')
	case 'd':
		return pad(b, t.Day(), 2, '0')
	case 'D':
		return t.AppendFormat(b, "01/02/06")
	case 'e':
		return pad(b, t.Day(), 2, ' ')
	case 'F':
		return t.AppendFormat(b, "2006-01-02")
	case 'g':
		y, _ := t.ISOWeek()
		return pad(b, y%100, 2, '0')
	case 'G':
		y, _ := t.ISOWeek()
		return strconv.AppendInt(b, int64(y), 10)
	case 'H':
		return pad(b, t.Hour(), 2, '0')
	case 'I':
		return pad(b, hour12(t), 2, '0')
	case 'j':
		return pad(b, t.YearDay(), 3, '0')
	case 'k':
		return pad(b, t.Hour(), 2, ' ')
	case 'l':
		return pad(b, hour12(t), 2, ' ')
	case 'm':
		return pad(b, int(t.Month()), 2, '0')
	case 'M':
		return pad(b, t.Minute(), 2, '0')
	case 'n':
		return append(b, '\n')
	case 'p':
		if t.Hour() < 12 {
			return append(b, "AM"...)
		}
		return append(b, "PM"...)
	case 'r':
		return t.AppendFormat(b, "03:04:05 PM")
	case 'R':
		return t.AppendFormat(b, "15:04")
	case 's':
		return strconv.AppendInt(b, t.Unix(), 10)
	case 'S':
		return pad(b, t.Second(), 2, '0')
	case 't':
		return append(b, '\t')
	case 'T', 'X':
		return t.AppendFormat(b, "15:04:05")
	case 'u':
		wd := int(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		return strconv.AppendInt(b, int64(wd), 10)
	case 'U':
		return pad(b, (t.YearDay()+6-int(t.Weekday()))/7, 2, '0')
	case 'V':
		_, w := t.ISOWeek()
		return pad(b, w, 2, '0')
	case 'w':
		return strconv.AppendInt(b, int64(t.Weekday()), 10)
	case 'W':
		return pad(b, (t.YearDay()+6-(int(t.Weekday())+6)%7)/7, 2, '0')
	case 'x':
		return t.AppendFormat(b, "01/02/06")
	case 'y':
		return pad(b, t.Year()%100, 2, '0')
	case 'Y':
		return strconv.AppendInt(b, int64(t.Year()), 10)
	case 'z':
		return t.AppendFormat(b, "-0700")
	case 'Z':
		return t.AppendFormat(b, "MST")
	case '%':
		return append(b, '%')
	}
	return append(b, '%', c)
}

func hour12(t time.Time) int {
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	return h
}
