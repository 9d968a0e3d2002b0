# Creates the bad inputs for the CLI tests in DIR (run as a CTest fixture).
file(REMOVE_RECURSE ${DIR})
file(MAKE_DIRECTORY ${DIR}/a_directory.png)
file(WRITE ${DIR}/empty.png "")
file(WRITE ${DIR}/corrupt.jpg "this is not a JPEG file\n")
file(WRITE ${DIR}/badheader.bmp "BM but the rest is garbage")
file(WRITE ${DIR}/truncated.ppm "P6\n10 10\n255\nabcabc")
file(WRITE ${DIR}/huge.ppm "P6\n99999 99999\n255\nabc")
file(WRITE ${DIR}/one.ppm "P6\n1 1\n255\nabc")
file(WRITE ${DIR}/tiny.ppm "P6\n2 3\n255\nabcabcabcabcabcabc")
# A valid 64 x 64 image without a face (uniform grey 65): verify must say so.
string(REPEAT "A" 12288 grey)
file(WRITE ${DIR}/blank64.ppm "P6\n64 64\n255\n${grey}")
