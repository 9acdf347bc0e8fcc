"""Converts a TensorFlow.js graph model (model.json + shards) to ONNX.

TFJS graphs are NHWC; ONNX convolutions are NCHW. The graph input stays NHWC (as in the original
model) and is transposed once; every 4-D activation is then kept NCHW and transposed back only
where the original semantics need NHWC (Reshape, graph outputs). Node order in model.json is not
topological, so nodes are visited depth-first from the outputs.
"""
import base64
from dataclasses import dataclass

import numpy as np

from .onnx_graph import GraphBuilder, spatial


@dataclass
class Value:
    name: str          # ONNX value name
    shape: list        # logical (TF, NHWC) shape; -1 = dynamic
    nchw: bool         # stored transposed to NCHW


def _attr(node, key, default=None):
    a = node.get("attr", {}).get(key)
    if a is None:
        return default
    if "s" in a:
        return base64.b64decode(a["s"]).decode()
    if "list" in a:
        lst = a["list"]
        if "s" in lst:
            return [base64.b64decode(s).decode() for s in lst["s"]]
        return [int(i) for i in lst.get("i", [])]
    if "i" in a:
        return int(a["i"])
    if "f" in a:
        return float(a["f"])
    return a


def _input_name(ref):
    name = ref.split(":")[0]
    return name


class TfjsGraphConverter:
    def __init__(self, model_json, weights, graph_name):
        self.nodes = {n["name"]: n for n in model_json["modelTopology"]["node"]}
        self.weights = weights
        self.b = GraphBuilder(graph_name)
        self.values = {}

    def convert_inputs(self, inputs):
        """inputs: {tfjs placeholder name: onnx input name}"""
        for tf_name, onnx_name in inputs.items():
            node = self.nodes[tf_name]
            dims = [int(d["size"]) for d in _attr(node, "shape")["shape"]["dim"]]
            self.b.add_input(onnx_name, dims)
            self.values[tf_name] = Value(self.b.to_nchw(onnx_name), dims, True)

    def value(self, ref):
        if ref.startswith("^"):
            raise ValueError(f"control dependency {ref} is not supported")
        name = _input_name(ref)
        if name not in self.values:
            self._visit(name)
        return self.values[name]

    def nhwc(self, ref):
        """The value in TF layout (transposed back if needed)."""
        v = self.value(ref)
        return self.b.to_nhwc(v.name) if v.nchw else v.name

    def _visit(self, name):
        # iterative depth-first post-order: graphs are deep (hundreds of nodes)
        stack = [(name, False)]
        while stack:
            current, expanded = stack.pop()
            if current in self.values:
                continue
            node = self.nodes.get(current)
            if node is None:
                raise ValueError(f"node {current} is referenced but not defined")
            if node["op"] == "Const":
                continue  # consts are read from the weights map where used
            pending = [_input_name(i) for i in node.get("input", []) if not i.startswith("^")]
            pending = [p for p in pending if p not in self.values and self.nodes[p]["op"] != "Const"]
            if expanded or not pending:
                self.values[current] = self._convert(node)
            else:
                stack.append((current, True))
                stack.extend((p, False) for p in pending)

    def _weight(self, ref):
        name = _input_name(ref)
        if name not in self.weights:
            raise ValueError(f"const {name} has no data in the weights manifest")
        return self.weights[name]

    def _convert(self, node):
        op, name = node["op"], node["name"]
        ins = node.get("input", [])
        handler = getattr(self, "_op_" + op.lstrip("_"), None)
        if handler is None:
            raise ValueError(f"unsupported TFJS op {op} (node {name})")
        return handler(node, name, ins)

    # --- ops -------------------------------------------------------------------------------

    def _conv_common(self, x, name, w_onnx, kernel, out_ch, strides, padding, dilations, group):
        pads, oh, ow = spatial(x.shape[1], x.shape[2], kernel, strides, padding, dilations)
        y = self.b.node("Conv", [x.name, w_onnx], name, kernel_shape=list(kernel),
                        strides=list(strides), pads=pads, dilations=list(dilations), group=group)
        return Value(y, [x.shape[0], oh, ow, out_ch], True)

    def _op_FusedConv2D(self, node, name, ins):
        x = self.value(ins[0])
        w = self._weight(ins[1])  # HWIO
        kh, kw, cin, cout = w.shape
        strides, dil = _attr(node, "strides"), _attr(node, "dilations", [1, 1, 1, 1])
        fused = _attr(node, "fused_ops", [])
        if _attr(node, "data_format", "NHWC") != "NHWC":
            raise ValueError(f"{name}: only NHWC convolutions are supported")
        w_onnx = self.b.weight(w.map(lambda a: a.transpose(3, 2, 0, 1)), name + "/filter")
        y = self._conv_common(x, name + "/conv", w_onnx, (kh, kw), cout, strides[1:3],
                              _attr(node, "padding"), dil[1:3], 1)
        return self._fused_tail(y, name, fused, ins[2:])

    def _fused_tail(self, y, name, fused, args):
        if not fused:
            return y
        if fused[0] != "BiasAdd":
            raise ValueError(f"{name}: unsupported fused ops {fused}")
        bias = self._weight(args[0])
        b = self.b.weight(bias.map(lambda a: a.reshape(-1, 1, 1)), name + "/bias")
        out = self.b.node("Add", [y.name, b], name + "/biasadd")
        for act in fused[1:]:
            if act == "Relu":
                out = self.b.node("Relu", [out], name + "/relu")
            elif act == "Prelu":
                alpha = self._weight(args[1])
                a = self.b.weight(alpha.map(lambda v: v.reshape(-1, 1, 1)), name + "/alpha")
                out = self.b.node("PRelu", [out, a], name + "/prelu")
            elif act == "Relu6":
                out = self.b.node("Clip", [out, self.b.const(np.float32(0), name + "/lo"),
                                           self.b.const(np.float32(6), name + "/hi")], name + "/relu6")
            else:
                raise ValueError(f"{name}: unsupported fused activation {act}")
        return Value(out, y.shape, True)

    def _op_DepthwiseConv2dNative(self, node, name, ins):
        x = self.value(ins[0])
        w = self._weight(ins[1])  # H, W, C, multiplier
        kh, kw, c, m = w.shape
        w_onnx = self.b.weight(w.map(lambda a: a.reshape(kh, kw, c * m, 1).transpose(2, 3, 0, 1)),
                               name + "/filter")
        strides, dil = _attr(node, "strides"), _attr(node, "dilations", [1, 1, 1, 1])
        return self._conv_common(x, name, w_onnx, (kh, kw), c * m, strides[1:3],
                                 _attr(node, "padding"), dil[1:3], c)

    def _op_FusedDepthwiseConv2dNative(self, node, name, ins):
        y = self._op_DepthwiseConv2dNative(node, name + "/dw", ins[:2])
        return self._fused_tail(y, name, _attr(node, "fused_ops", []), ins[2:])

    def _op_AddV2(self, node, name, ins):
        a, c = self.value(ins[0]), self.value(ins[1])
        if a.nchw != c.nchw or a.shape != c.shape:
            raise ValueError(f"{name}: broadcasting Add between {a.shape} and {c.shape} is not supported")
        return Value(self.b.node("Add", [a.name, c.name], name), a.shape, a.nchw)

    _op_Add = _op_AddV2

    def _unary(self, onnx_op):
        def handler(node, name, ins):
            x = self.value(ins[0])
            return Value(self.b.node(onnx_op, [x.name], name), x.shape, x.nchw)
        return handler

    def _op_Relu(self, node, name, ins):
        return self._unary("Relu")(node, name, ins)

    def _op_Sigmoid(self, node, name, ins):
        return self._unary("Sigmoid")(node, name, ins)

    def _op_Identity(self, node, name, ins):
        return self._unary("Identity")(node, name, ins)

    def _op_Prelu(self, node, name, ins):
        x = self.value(ins[0])
        alpha = self._weight(ins[1])
        a = self.b.weight(alpha.map(lambda v: v.reshape(-1, 1, 1)), name + "/alpha")
        return Value(self.b.node("PRelu", [x.name, a], name), x.shape, True)

    def _op_MaxPool(self, node, name, ins):
        x = self.value(ins[0])
        k, s = _attr(node, "ksize")[1:3], _attr(node, "strides")[1:3]
        pads, oh, ow = spatial(x.shape[1], x.shape[2], k, s, _attr(node, "padding"))
        y = self.b.node("MaxPool", [x.name], name, kernel_shape=k, strides=s, pads=pads)
        return Value(y, [x.shape[0], oh, ow, x.shape[3]], True)

    def _op_Pad(self, node, name, ins):
        x = self.value(ins[0])
        p = self._weight(ins[1]).values().astype(np.int64)  # [[before, after]] per NHWC axis
        order = [0, 3, 1, 2] if x.nchw else [0, 1, 2, 3]
        pads = [p[a][0] for a in order] + [p[a][1] for a in order]
        y = self.b.node("Pad", [x.name, self.b.const(np.array(pads, np.int64), name + "/pads")],
                        name, mode="constant")
        shape = [d if d < 0 else d + int(p[i].sum()) for i, d in enumerate(x.shape)]
        return Value(y, shape, x.nchw)

    def _op_Reshape(self, node, name, ins):
        x = self.nhwc(ins[0])
        target = self._weight(ins[1]).values().astype(np.int64)
        y = self.b.node("Reshape", [x, self.b.const(target, name + "/shape")], name)
        return Value(y, [int(d) for d in target], False)


def convert(model_json, weights, graph_name, inputs, outputs, finish=None, doc=""):
    """inputs: {tfjs placeholder: onnx name}; outputs: {tfjs node: onnx name} or, with `finish`,
    a callable(builder, {tfjs node: Value}) that adds the graph outputs itself."""
    conv = TfjsGraphConverter(model_json, weights, graph_name)
    conv.convert_inputs(inputs)
    values = {tf_name: conv.value(tf_name) for tf_name in outputs}
    if finish is not None:
        finish(conv.b, values)
    else:
        for tf_name, onnx_name in outputs.items():
            v = values[tf_name]
            conv.b.add_output(conv.nhwc(tf_name), onnx_name, v.shape)
    return conv.b.model(doc)
