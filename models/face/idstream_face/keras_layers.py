"""Converts a TFJS Keras layers model (functional `Model` config) to ONNX, truncated at one layer.

Covers the layers InceptionV3 uses: Conv2D, BatchNormalization, Activation, MaxPooling2D,
AveragePooling2D, Concatenate, Flatten. Keras/TF 'same' average pooling leaves padded cells out of
the mean (ONNX count_include_pad=0). Batch normalization stays a BatchNormalization node, which
ONNX Runtime folds into the preceding convolution when it loads the model.
"""
import numpy as np

from .onnx_graph import GraphBuilder, spatial


class KerasConverter:
    def __init__(self, topology, weights, graph_name):
        config = topology["model_config"]
        if config["class_name"] not in ("Model", "Functional"):
            raise ValueError(f"only functional Keras models are supported, got {config['class_name']}")
        self.layers = {layer["name"]: layer for layer in config["config"]["layers"]}
        self.w = weights
        self.b = GraphBuilder(graph_name)
        self.values = {}   # layer name -> (onnx value, NHWC shape, nchw flag)

    def _inbound(self, layer):
        nodes = layer.get("inbound_nodes") or []
        if len(nodes) > 1:
            raise ValueError(f"layer {layer['name']} is shared; not supported")
        return [ref[0] for ref in nodes[0]] if nodes else []

    def value(self, name):
        stack = [(name, False)]
        while stack:
            current, expanded = stack.pop()
            if current in self.values:
                continue
            pending = [p for p in self._inbound(self.layers[current]) if p not in self.values]
            if expanded or not pending:
                self.values[current] = self._convert(self.layers[current])
            else:
                stack.append((current, True))
                stack.extend((p, False) for p in pending)
        return self.values[name]

    def _convert(self, layer):
        handler = getattr(self, "_layer_" + layer["class_name"], None)
        if handler is None:
            raise ValueError(f"unsupported Keras layer {layer['class_name']} ({layer['name']})")
        ins = [self.values[p] for p in self._inbound(layer)]
        return handler(layer["name"], layer["config"], ins)

    def _layer_InputLayer(self, name, cfg, ins):
        shape = [-1 if d is None else d for d in cfg["batch_input_shape"]]
        self.b.add_input("input", shape)
        return self.b.to_nchw("input"), shape, True

    def _layer_Conv2D(self, name, cfg, ins):
        x, shape, _ = ins[0]
        if cfg.get("data_format", "channels_last") != "channels_last":
            raise ValueError(f"{name}: only channels_last is supported")
        kernel = self.w[name + "/kernel"]  # HWIO
        kh, kw, _, cout = kernel.shape
        pads, oh, ow = spatial(shape[1], shape[2], (kh, kw), cfg["strides"], cfg["padding"].upper(),
                               cfg.get("dilation_rate", [1, 1]))
        inputs = [x, self.b.weight(kernel.map(lambda a: a.transpose(3, 2, 0, 1)), name + "/kernel")]
        if cfg.get("use_bias", True):
            inputs.append(self.b.weight(self.w[name + "/bias"], name + "/bias"))
        y = self.b.node("Conv", inputs, name, kernel_shape=[kh, kw], strides=list(cfg["strides"]),
                        pads=pads, dilations=list(cfg.get("dilation_rate", [1, 1])))
        return self._activation(y, cfg.get("activation", "linear"), name), [shape[0], oh, ow, cout], True

    def _activation(self, y, activation, name):
        if activation == "linear":
            return y
        if activation == "relu":
            return self.b.node("Relu", [y], name + "/relu")
        raise ValueError(f"{name}: unsupported activation {activation}")

    def _layer_Activation(self, name, cfg, ins):
        x, shape, nchw = ins[0]
        return self._activation(x, cfg["activation"], name), shape, nchw

    def _layer_BatchNormalization(self, name, cfg, ins):
        x, shape, nchw = ins[0]
        if cfg.get("axis", -1) not in (-1, 3):
            raise ValueError(f"{name}: only channel-axis batch normalization is supported")
        channels = shape[3]
        gamma = self.b.weight(self.w[name + "/gamma"], name + "/gamma") if cfg.get("scale", True) \
            else self.b.const(np.ones(channels, np.float32), name + "/gamma")
        beta = self.b.weight(self.w[name + "/beta"], name + "/beta") if cfg.get("center", True) \
            else self.b.const(np.zeros(channels, np.float32), name + "/beta")
        mean = self.b.weight(self.w[name + "/moving_mean"], name + "/moving_mean")
        var = self.b.weight(self.w[name + "/moving_variance"], name + "/moving_variance")
        y = self.b.node("BatchNormalization", [x, gamma, beta, mean, var], name,
                        epsilon=float(cfg.get("epsilon", 1e-3)))
        return y, shape, nchw

    def _pool(self, op, name, cfg, ins, **extra):
        x, shape, _ = ins[0]
        k, s = list(cfg["pool_size"]), list(cfg["strides"] or cfg["pool_size"])
        pads, oh, ow = spatial(shape[1], shape[2], k, s, cfg["padding"].upper())
        y = self.b.node(op, [x], name, kernel_shape=k, strides=s, pads=pads, **extra)
        return y, [shape[0], oh, ow, shape[3]], True

    def _layer_MaxPooling2D(self, name, cfg, ins):
        return self._pool("MaxPool", name, cfg, ins)

    def _layer_AveragePooling2D(self, name, cfg, ins):
        return self._pool("AveragePool", name, cfg, ins, count_include_pad=0)

    def _layer_Concatenate(self, name, cfg, ins):
        if cfg.get("axis", -1) not in (-1, 3):
            raise ValueError(f"{name}: only channel concatenation is supported")
        y = self.b.node("Concat", [v[0] for v in ins], name, axis=1)
        shape = list(ins[0][1])
        shape[3] = sum(v[1][3] for v in ins)
        return y, shape, True

    def _layer_Flatten(self, name, cfg, ins):
        x, shape, nchw = ins[0]
        if nchw:
            x = self.b.to_nhwc(x)   # Keras flattens in NHWC order
        y = self.b.node("Flatten", [x], name, axis=1)
        return y, [shape[0], int(np.prod(shape[1:]))], False


def convert(topology, weights, output_layer, output_name, doc=""):
    conv = KerasConverter(topology, weights, "keras_" + output_layer)
    value, shape, nchw = conv.value(output_layer)
    if nchw:
        value = conv.b.to_nhwc(value)
    conv.b.add_output(value, output_name, shape)
    return conv.b.model(doc)
