# cmake -DIN=<file.proto> -DOUT=<file.proto> -P strip_proto.cmake
#
# Bookworm's protoc 3.21 aborts on containerd's protos (`import weak
# "gogoproto/gogo.proto"`), and gogo's options only steer Go code generation:
# none changes the wire format. This drops the gogo and containerd-plugin
# imports and options, and switches the file to the lite runtime (the shim's
# memory budget: libprotobuf-lite, no descriptors or reflection).
file(READ "${IN}" text)
string(REGEX REPLACE "import (weak )?\"[^\"]*(gogo|fieldpath)\\.proto\";" "" text "${text}")
string(REGEX REPLACE "option \\((gogoproto|containerd\\.plugin)\\.[^;]*;" "" text "${text}")
string(REGEX REPLACE " *\\[\\(gogoproto\\.[^]]*\\]" "" text "${text}")
string(REGEX REPLACE "option optimize_for = [A-Z_]+;" "" text "${text}")
string(REGEX REPLACE "(\npackage [^;]*;)" "\\1\noption optimize_for = LITE_RUNTIME;" text "${text}")
if(text MATCHES "gogoproto|containerd\\.plugin")
  message(FATAL_ERROR "strip_proto: gogo options left in ${IN}")
endif()
file(WRITE "${OUT}" "${text}")
