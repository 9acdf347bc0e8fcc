"""Writes face-api's FaceRecognitionNet (dlib ResNet-34-like, 128-d) as ONNX from its weights.

The package ships only weights; the graph is face-api's `FaceRecognitionNet.forwardInput`
(src/faceRecognitionNet/*.ts) written out op by op: conv -> +bias -> *scale.weights ->
+scale.biases [-> relu], residual blocks, and `residualDown`, whose shortcut is a 2x2 average pool
with zero channels appended and whose main path is zero-padded at the bottom/right when the
pooled map is one pixel larger.
"""
import numpy as np

from .onnx_graph import GraphBuilder, spatial

INPUT_SIZE = 150
MEAN_RGB = [122.782, 117.001, 104.298]
STD = 255.0

# dlib's mean face shape (get_face_chip_details, points 17-67, fractions of the chip) for the points
# that make the 5-point set: eye contours 36-41 and 42-47, nose tip 30, mouth corners 48 and 54.
_DLIB_MEAN_SHAPE = {
    "eye_left": ([0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743],
                 [0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077]),
    "eye_right": ([0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335],
                  [0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099]),
    "nose": ([0.490127], [0.515625]),
    "mouth_left": ([0.254149], [0.780233]),
    "mouth_right": ([0.726104], [0.780233]),
}
# dlib's face recognition example extracts 150x150 chips with padding 0.25
_DLIB_CHIP_PADDING = 0.25


def alignment_template():
    """The 5-point template of a dlib face chip (what the ResNet was trained on), as crop fractions."""
    points = []
    for key in ("eye_left", "eye_right", "nose", "mouth_left", "mouth_right"):
        xs, ys = _DLIB_MEAN_SHAPE[key]
        x, y = sum(xs) / len(xs), sum(ys) / len(ys)
        pad = _DLIB_CHIP_PADDING
        points.append([round((pad + x) / (2 * pad + 1), 6), round((pad + y) / (2 * pad + 1), 6)])
    return {"name": "dlib-chip-0.25", "points": points}


_BLOCKS = (["conv32_1", "conv32_2", "conv32_3"],
           ["conv64_down", "conv64_1", "conv64_2", "conv64_3"],
           ["conv128_down", "conv128_1", "conv128_2"],
           ["conv256_down", "conv256_1", "conv256_2", "conv256_down_out"])


class _Net:
    def __init__(self, weights):
        self.w = weights
        self.b = GraphBuilder("face_recognition_net")

    def conv_layer(self, x, hw, prefix, stride, relu, padding):
        filters = self.w[prefix + "/conv/filters"]
        kh, kw, _, cout = filters.shape
        pads, oh, ow = spatial(hw[0], hw[1], (kh, kw), (stride, stride), padding)
        f = self.b.weight(filters.map(lambda a: a.transpose(3, 2, 0, 1)), prefix + "/conv/filters")
        y = self.b.node("Conv", [x, f], prefix + "/conv", kernel_shape=[kh, kw],
                        strides=[stride, stride], pads=pads)
        y = self.b.node("Add", [y, self._channel(prefix + "/conv/bias")], prefix + "/conv/add_bias")
        y = self.b.node("Mul", [y, self._channel(prefix + "/scale/weights")], prefix + "/scale/mul")
        y = self.b.node("Add", [y, self._channel(prefix + "/scale/biases")], prefix + "/scale/add")
        if relu:
            y = self.b.node("Relu", [y], prefix + "/relu")
        return y, (oh, ow), cout

    def _channel(self, name):
        return self.b.weight(self.w[name].map(lambda a: a.reshape(-1, 1, 1)), name)

    def residual(self, x, hw, prefix):
        out, hw1, _ = self.conv_layer(x, hw, prefix + "/conv1", 1, True, "SAME")
        out, _, _ = self.conv_layer(out, hw1, prefix + "/conv2", 1, False, "SAME")
        return self.b.node("Relu", [self.b.node("Add", [out, x], prefix + "/add")], prefix + "/out"), hw

    def residual_down(self, x, hw, channels, prefix):
        out, hw1, cout = self.conv_layer(x, hw, prefix + "/conv1", 2, True, "VALID")
        out, _, _ = self.conv_layer(out, hw1, prefix + "/conv2", 1, False, "SAME")
        pooled = self.b.node("AveragePool", [x], prefix + "/pool", kernel_shape=[2, 2], strides=[2, 2])
        ph, pw = hw[0] // 2, hw[1] // 2
        if (ph, pw) != hw1:
            # face-api appends one zero row and one zero column to the main path
            pads = np.array([0, 0, 0, 0, 0, 0, ph - hw1[0], pw - hw1[1]], np.int64)
            out = self.b.node("Pad", [out, self.b.const(pads, prefix + "/pad_hw")], prefix + "/pad_main")
        if channels != cout:
            pads = np.array([0, 0, 0, 0, 0, cout - channels, 0, 0], np.int64)
            pooled = self.b.node("Pad", [pooled, self.b.const(pads, prefix + "/pad_c")], prefix + "/pad_pool")
        out = self.b.node("Add", [pooled, out], prefix + "/add")
        return self.b.node("Relu", [out], prefix + "/out"), (ph, pw), cout

    def build(self):
        x = self.b.to_nchw(self.b.add_input("input", [-1, INPUT_SIZE, INPUT_SIZE, 3]))
        out, hw, ch = self.conv_layer(x, (INPUT_SIZE, INPUT_SIZE), "conv32_down", 2, True, "VALID")
        _, oh, ow = spatial(hw[0], hw[1], (3, 3), (2, 2), "VALID")
        out = self.b.node("MaxPool", [out], "maxpool", kernel_shape=[3, 3], strides=[2, 2])
        hw = (oh, ow)
        for block in _BLOCKS:
            for prefix in block:
                if "_down" in prefix:
                    out, hw, ch = self.residual_down(out, hw, ch, prefix)
                else:
                    out, hw = self.residual(out, hw, prefix)
        pooled = self.b.node("ReduceMean", [out], "global_avg", axes=[2, 3], keepdims=0)
        emb = self.b.node("MatMul", [pooled, self.b.weight(self.w["fc"], "fc")], "fc")
        self.b.add_output(emb, "embedding", [-1, 128])
        return self.b.model("face-api FaceRecognitionNet (dlib ResNet), 128-d descriptor; "
                            "input (rgb - mean) / 255, NHWC 150x150")


def convert(weights):
    return _Net(weights).build()
