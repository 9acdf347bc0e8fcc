"""Converts a float32 ONNX graph to float16 or bfloat16 weights and I/O, keeping float32 islands.

Torch 1.13 cannot trace the generator in half precision on CPU (no Half addmm), so the lower precisions are made
from the float32 export by this graph pass. onnxconverter-common's float16 converter does the same job but cannot be
installed here (no PyPI); this is a small, data-flow version of it that also handles bfloat16.

Every float tensor is either *converted* (stored and computed in the target dtype) or part of a *float32 island*:

- roots: float graph inputs are converted, except those named in `keep_float32_inputs` (the denoiser's timestep:
  its sinusoid takes sin/cos of t * f with t up to 999, which needs float32 arguments); float initializers with
  two or more dimensions (weights) are converted; Range, Cast from int, ConstantOfShape, ... make float32;
- a node reading a converted float input computes in the target dtype: its float outputs are converted,
  `Cast(to=FLOAT)` becomes `Cast(to=target)`, and each island input it reads is cast to the target dtype first;
- a node reading no converted input stays float32 (the RoPE tables from Range, the timestep sinusoid);
- an input slot the ONNX schema does not allow in the target dtype stays float32, so converted data is cast back
  to float32 there (Range has no float16; Conv, InstanceNormalization, Sin, Cos, Softplus, Elu and AveragePool have
  no bfloat16 in opset 17, so a bfloat16 graph computes them in float32 between casts);
- constants (Constant nodes and initializers of fewer than two dimensions: biases, norm scales, scalars, and
  Identity copies of them) follow their readers: stored in the target dtype when every reader wants it, else kept
  float32 and cast where needed;
- a float graph output computed in float32 is cast to the target dtype, so float I/O has one dtype;
- ONNX Runtime's com.microsoft::MultiHeadAttention (the fused attention export) follows its contrib schema: type T is
  float or float16, so it runs in float16 in a float16 graph and in float32 between casts in a bfloat16 one.

bfloat16 is rounded to nearest even. The result is checked with the ONNX checker and strict shape inference.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT
TARGETS = {"float16": TensorProto.FLOAT16, "bfloat16": TensorProto.BFLOAT16}
FLOAT16_OVERFLOW = 65520.0  # the smallest magnitude float16 rounds to infinity (65504 + half its spacing there)
PROTOBUF_LIMIT = 2**31  # bytes: a larger ModelProto cannot be serialized (checked, shape-inferred) in memory
TYPE_NAMES = {TensorProto.FLOAT: "tensor(float)", TensorProto.FLOAT16: "tensor(float16)",
              TensorProto.BFLOAT16: "tensor(bfloat16)"}
# ONNX Runtime contrib ops the exports use, with the float types their type parameter T allows (onnx has no schema
# for them; from ONNX Runtime's ContribOperators.md). Every float input and output of such a node has type T.
CONTRIB_FLOAT_TYPES = {("com.microsoft", "MultiHeadAttention"): ("tensor(float)", "tensor(float16)")}


def convert(model: onnx.ModelProto, dtype: str, keep_float32_inputs=(), copy=True, check=True) -> onnx.ModelProto:
    """`model` converted to `dtype` ("float16" or "bfloat16"): a converted copy, `model` itself unchanged; with
    `copy=False` `model` is converted in place and returned, so a caller that no longer needs the float32 graph
    holds one float32 model and its converted arrays instead of two float32 models. The result is checked in memory
    when under 2 GB; `check=False` leaves that to a caller that checks the saved file by path (the in-memory check
    serializes and parses the whole model several times over, weights included)."""
    if dtype not in TARGETS:
        raise ValueError(f"precision {dtype!r} is not one of {', '.join(TARGETS)}")
    unknown = set(keep_float32_inputs) - {i.name for i in model.graph.input}
    if unknown:
        raise ValueError(f"keep_float32_inputs names no graph input: {sorted(unknown)}")
    result = model
    if copy:
        result = onnx.ModelProto()
        result.CopyFrom(model)
    _Pass(result, TARGETS[dtype], set(keep_float32_inputs)).run()
    if check and result.ByteSize() < PROTOBUF_LIMIT:
        onnx.checker.check_model(result, full_check=True)
    # else the caller checks the file (onnx.checker.check_model(path)) once it is saved with external data
    return result


def _without_tensor_data(model):
    """A model with `model`'s nodes, inputs, outputs, value_info, opsets and functions and data-less initializers
    (name, dtype, dims): all that shape inference reads, under protobuf's 2 GB limit however large the weights are.
    Built field by field, so no tensor data is ever copied."""
    light = onnx.ModelProto(ir_version=model.ir_version)
    light.opset_import.extend(model.opset_import)
    light.functions.extend(model.functions)
    g, source = light.graph, model.graph
    g.name = source.name
    g.node.extend(source.node)
    g.input.extend(source.input)
    g.output.extend(source.output)
    g.value_info.extend(source.value_info)
    g.initializer.extend(TensorProto(name=t.name, data_type=t.data_type, dims=t.dims) for t in source.initializer)
    return light


class _Pass:
    def __init__(self, model, target, keep):
        self.graph, self.target, self.keep = model.graph, target, keep
        self.opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
        self.float_names = _float_tensors(model)
        self.converted = set()
        self.constants = {}  # name -> [(reader node, input index, whether it wants the target dtype)]
        self.aliases = {}  # name -> the Identity node that copies another constant (torch shares equal weights so)
        self.casts = {}  # (name, to) -> name of the cast tensor
        self.nodes = []  # the new node list: each island cast right before its first reader

    def run(self):
        g = self.graph
        self.converted |= {i.name for i in g.input if i.name in self.float_names and i.name not in self.keep}
        for init in g.initializer:
            if init.data_type == FLOAT:
                if len(init.dims) >= 2:
                    self.converted.add(init.name)
                else:
                    self.constants[init.name] = []
        for node in g.node:
            self._visit(node)
        constant_casts = self._settle_constants()
        self._cast_float32_outputs(constant_casts)
        del g.node[:]
        g.node.extend(constant_casts.pop("", []))
        for node in self.nodes:
            g.node.append(node)
            for output in node.output:
                g.node.extend(constant_casts.pop(output, []))
        for init in g.initializer:
            if init.name in self.converted:
                init.CopyFrom(_retyped(init, self.target))
        for vi in list(g.input) + list(g.output) + list(g.value_info):
            if vi.name in self.converted:
                vi.type.tensor_type.elem_type = self.target

    def _visit(self, node):
        contrib = CONTRIB_FLOAT_TYPES.get((node.domain, node.op_type))
        if (node.domain not in ("", "ai.onnx") and contrib is None) or any(
                a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in node.attribute):
            raise ValueError(f"node {node.name} ({node.domain}:{node.op_type}): custom domains (other than "
                             f"{sorted(CONTRIB_FLOAT_TYPES)}) and subgraphs are not supported")
        if node.op_type == "Constant" or (node.op_type == "Identity" and node.input[0] in self.constants):
            if node.output[0] in self.float_names:
                if node.op_type == "Constant" and _float_constant(node) is None:
                    raise ValueError(f"node {node.name} (Constant {node.output[0]}): a float constant given as "
                                     f"{node.attribute[0].name} is not supported (only value, value_float, "
                                     "value_floats)")
                self.constants[node.output[0]] = []
                if node.op_type == "Identity":
                    self.aliases[node.output[0]] = node
            self.nodes.append(node)
            return
        if contrib is not None:
            target_allowed = TYPE_NAMES[self.target] in contrib
            allows_input = allows_output = lambda i: target_allowed
        else:
            schema = onnx.defs.get_schema(node.op_type, self.opset, node.domain)
            allows_input = lambda i: self._allows(schema.inputs, schema, i)  # noqa: E731
            allows_output = lambda i: self._allows(schema.outputs, schema, i)  # noqa: E731
        floats = [(i, name) for i, name in enumerate(node.input) if name in self.float_names]
        retypable = {i for i, _ in floats if allows_input(i)}
        is_converted = any(i in retypable and name in self.converted for i, name in floats)
        for i, name in floats:
            wants_target = is_converted and i in retypable
            if name in self.constants:
                self.constants[name].append((node, i, wants_target))
            elif wants_target != (name in self.converted):
                node.input[i] = self._cast(name, self.target if wants_target else FLOAT, self.nodes)
        if is_converted:
            for i, name in enumerate(node.output):
                if name in self.float_names and allows_output(i):
                    self.converted.add(name)
            if node.op_type == "Cast":
                to = next(a for a in node.attribute if a.name == "to")
                if to.i == FLOAT:
                    to.i = self.target
                else:
                    self.converted.discard(node.output[0])
        self.nodes.append(node)

    def _allows(self, formals, schema, index):
        """Whether the schema lets input/output `index` (formal parameter `formals[index]`) have the target dtype."""
        if not formals:
            return False
        formal = formals[min(index, len(formals) - 1)]  # the last formal parameter may be variadic
        allowed = {c.type_param_str: c.allowed_type_strs for c in schema.type_constraints}
        return TYPE_NAMES[self.target] in allowed.get(formal.typeStr, [formal.typeStr])

    def _cast(self, name, to, emit):
        """The name of `name` cast to `to`; a new Cast node is appended to `emit`, an earlier one reused."""
        if (name, to) not in self.casts:
            cast_name = f"{name}_as_{TensorProto.DataType.Name(to).lower()}"
            emit.append(helper.make_node("Cast", [name], [cast_name], name=f"Cast_{cast_name}", to=to))
            self.casts[name, to] = cast_name
            if to == self.target:
                self.converted.add(cast_name)
        return self.casts[name, to]

    def _settle_constants(self):
        """A constant every reader wants in the target dtype is stored so; else it stays float32 and the readers
        that want the target dtype read a cast of it. Returns the casts by the tensor they follow ("" = the
        initializers, before every node)."""
        producers = {n.output[0]: n for n in self.nodes if n.op_type == "Constant"}
        casts = {}
        for name in reversed(list(self.constants)):  # an alias before the constant it copies
            readers = self.constants[name]
            to_target = bool(readers) and all(wants for _, _, wants in readers)
            if name in self.aliases:
                identity = self.aliases[name]
                self.constants[identity.input[0]].append((identity, 0, to_target))
            if to_target:
                self.converted.add(name)
                if name in producers:  # value_float(s) become a `value` tensor of the target dtype
                    attribute = producers[name].attribute[0]
                    value = _retyped(_float_constant(producers[name]), self.target)
                    if attribute.name != "value":
                        attribute.CopyFrom(helper.make_attribute("value", value))
                    attribute.t.CopyFrom(value)
                continue
            after = name if name in producers or name in self.aliases else ""
            for node, i, wants in readers:
                if wants:
                    node.input[i] = self._cast(name, self.target, casts.setdefault(after, []))
        return casts

    def _cast_float32_outputs(self, constant_casts):
        """Float graph outputs computed in float32 (e.g. by a Conv, which has no bfloat16) are cast to the
        target dtype, so that a bundle's float I/O has one dtype. The float32 tensor is renamed `<name>_float32`
        wherever it appears: its producer or initializer, its readers, and the casts of a constant
        (`constant_casts`, which then follow the renamed tensor)."""
        inputs = {i.name for i in self.graph.input}
        for output in self.graph.output:
            name = output.name
            if name not in self.float_names or name in self.converted or name in inputs:
                continue  # a float32 graph input passed through (keep_float32_inputs) stays as it is
            inner = f"{name}_float32"
            for node in self.nodes + [c for casts in constant_casts.values() for c in casts]:
                node.input[:] = [inner if i == name else i for i in node.input]
                node.output[:] = [inner if o == name else o for o in node.output]
            for init in self.graph.initializer:
                if init.name == name:
                    init.name = inner
            if name in constant_casts:
                constant_casts[inner] = constant_casts.pop(name)
            self.nodes.append(helper.make_node("Cast", [inner], [name], name=f"Cast_{name}", to=self.target))
            self.converted.add(name)


def _float_tensors(model):
    """Names of every float32 tensor in the graph, from strict shape inference on the original."""
    inferred = onnx.shape_inference.infer_shapes(_without_tensor_data(model), check_type=True, strict_mode=True)
    g = inferred.graph
    names = {t.name for t in g.initializer if t.data_type == FLOAT}
    names |= {vi.name for vi in list(g.input) + list(g.output) + list(g.value_info)
              if vi.type.tensor_type.elem_type == FLOAT}
    for node in g.node:
        if node.op_type == "Constant":
            value = _float_constant(node)
            if value is not None and value.data_type == FLOAT:
                names.add(node.output[0])
    typed = {vi.name for vi in list(g.input) + list(g.output) + list(g.value_info)} | {t.name for t in g.initializer}
    untyped = [o for n in g.node if n.op_type != "Constant" for o in n.output if o and o not in typed]
    if untyped:
        raise ValueError(f"shape inference gave no type for {len(untyped)} tensors, e.g. {untyped[:5]}")
    return names


def _float_constant(node):
    """A Constant node's value as a TensorProto (value_float and value_floats included), or None for the other
    attributes (ints, strings, sparse_value)."""
    attribute = node.attribute[0]
    if attribute.name == "value":
        return attribute.t
    if attribute.name in ("value_float", "value_floats"):
        return numpy_helper.from_array(np.array(helper.get_attribute_value(attribute), np.float32))
    return None


def _retyped(tensor, target):
    values = numpy_helper.to_array(tensor).astype(np.float32, copy=False)
    if target == TensorProto.FLOAT16:
        if np.abs(values).max(initial=0) >= FLOAT16_OVERFLOW:
            raise ValueError(f"tensor {tensor.name} exceeds the float16 range (largest |value| "
                             f"{np.abs(values).max():.6g})")
        return numpy_helper.from_array(values.astype(np.float16), tensor.name)
    return helper.make_tensor(tensor.name, TensorProto.BFLOAT16, values.shape, bfloat16_bits(values).tobytes(),
                              raw=True)


def bfloat16_bits(values):
    """The bfloat16 bit patterns of float32 values, rounded to nearest even (the upper 16 bits after rounding);
    a NaN stays a NaN of the same sign, made quiet (rounding its bits could carry it into an infinity or zero)."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    nan = np.isnan(np.ascontiguousarray(values, dtype=np.float32))
    rounded[nan] = (bits[nan] >> 16) | 0x0040  # sign and exponent kept, quiet bit set
    return rounded.astype("<u2")
