"""A small ONNX graph builder: unique names, compact weights, NHWC<->NCHW helpers, SAME padding."""
import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
_ONNX_TYPES = {"float32": TensorProto.FLOAT, "int32": TensorProto.INT32, "int64": TensorProto.INT64}


class GraphBuilder:
    def __init__(self, name):
        self.name = name
        self.nodes = []
        self.initializers = []
        self.inputs = []
        self.outputs = []
        self._names = set()
        self._weight_cache = {}

    def unique(self, base):
        base = base.replace(":", "_")
        name, i = base, 1
        while name in self._names:
            i += 1
            name = f"{base}_{i}"
        self._names.add(name)
        return name

    def add_input(self, name, shape, dtype="float32"):
        self._names.add(name)
        self.inputs.append(helper.make_tensor_value_info(name, _ONNX_TYPES[dtype], _dims(shape)))
        return name

    def add_output(self, value, name, shape, dtype="float32"):
        self._names.add(name)
        self.nodes.append(helper.make_node("Identity", [value], [name], name=name + "/identity"))
        self.outputs.append(helper.make_tensor_value_info(name, _ONNX_TYPES[dtype], _dims(shape)))
        return name

    def node(self, op, inputs, name_hint, **attrs):
        out = self.unique(name_hint)
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def const(self, array, name_hint):
        name = self.unique(name_hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, w, name_hint=None):
        """A float32 value for Weight `w`, dequantized in-graph when stored quantized/half."""
        key = (id(w), name_hint)
        if key in self._weight_cache:
            return self._weight_cache[key]
        hint = name_hint or w.name
        if w.quantized:
            raw = self.const(w.raw, hint + "/quantized")
            as_float = self.node("Cast", [raw], hint + "/cast", to=TensorProto.FLOAT)
            scaled = self.node("Mul", [as_float, self.const(np.float32(w.scale), hint + "/scale")],
                               hint + "/scaled")
            value = self.node("Add", [scaled, self.const(np.float32(w.minimum), hint + "/min")], hint)
        elif w.raw.dtype == np.float16:
            value = self.node("Cast", [self.const(w.raw, hint + "/half")], hint, to=TensorProto.FLOAT)
        else:
            value = self.const(w.raw, hint)
        self._weight_cache[key] = value
        return value

    def to_nchw(self, value):
        return self.node("Transpose", [value], value + "/nchw", perm=[0, 3, 1, 2])

    def to_nhwc(self, value):
        return self.node("Transpose", [value], value + "/nhwc", perm=[0, 2, 3, 1])

    def model(self, doc):
        graph = helper.make_graph(self.nodes, self.name, self.inputs, self.outputs, self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="idstream-face-converter", doc_string=doc)
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


def _dims(shape):
    return [d if d >= 0 else "N" for d in shape]


def same_pads(size, kernel, stride, dilation=1):
    """TensorFlow SAME padding for one spatial axis: (before, after, output size)."""
    out = math.ceil(size / stride)
    effective = (kernel - 1) * dilation + 1
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2, out


def valid_out(size, kernel, stride, dilation=1):
    return (size - ((kernel - 1) * dilation + 1)) // stride + 1


def spatial(h, w, kernel, strides, padding, dilations=(1, 1)):
    """ONNX pads [top, left, bottom, right] and the output size for TF padding mode."""
    if padding == "SAME":
        t, b, oh = same_pads(h, kernel[0], strides[0], dilations[0])
        l, r, ow = same_pads(w, kernel[1], strides[1], dilations[1])
        return [t, l, b, r], oh, ow
    if padding == "VALID":
        return [0, 0, 0, 0], valid_out(h, kernel[0], strides[0], dilations[0]), \
            valid_out(w, kernel[1], strides[1], dilations[1])
    raise ValueError(f"unsupported padding {padding}")
