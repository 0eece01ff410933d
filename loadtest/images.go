package loadtest

import (
	"bytes"
	"crypto/sha256"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strconv"
)

// photo makes a small site photo for a report: a 160×120 JPEG (or, for the second one, a
// PNG) whose pixels come from the marker, so that every photo of a run is a different file
// (the server stores photos by content).
func photo(marker string, i int) file {
	sum := sha256.Sum256([]byte(marker + "/" + strconv.Itoa(i)))
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 160; x++ {
			k := (x/20 + y/20*8) % len(sum)
			img.Set(x, y, color.RGBA{R: sum[k], G: sum[(k+7)%len(sum)] ^ uint8(x), B: sum[(k+13)%len(sum)] ^ uint8(y), A: 255})
		}
	}
	var b bytes.Buffer
	if i%2 == 1 {
		_ = png.Encode(&b, img) // writing to memory does not fail
		return file{field: "photos", name: "现场照片" + strconv.Itoa(i+1) + ".png", mime: "image/png", data: b.Bytes()}
	}
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 75})
	return file{field: "photos", name: "现场照片" + strconv.Itoa(i+1) + ".jpg", mime: "image/jpeg", data: b.Bytes()}
}
