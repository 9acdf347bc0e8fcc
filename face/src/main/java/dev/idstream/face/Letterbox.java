package dev.idstream.face;

/**
 * How a whole image is fitted into a detector's fixed input: scaled with its aspect ratio kept, the rest
 * black. {@code center} is what BlazeFace (MediaPipe, @vladmandic/human) does; {@code topLeft} is insightface's
 * SCRFD {@code detect()} (image in the top-left corner, padding right and below).
 */
enum Letterbox {
    CENTER("center"),
    TOP_LEFT("topLeft");

    private final String jsonName;

    Letterbox(String jsonName) {
        this.jsonName = jsonName;
    }

    static Letterbox of(String name) {
        for (Letterbox l : values()) {
            if (l.jsonName.equals(name)) {
                return l;
            }
        }
        return null;
    }

    static String names() {
        return "center | topLeft";
    }

    /** Image pixel coordinates to model-input pixel coordinates (both continuous). */
    Affine imageToInput(int imageWidth, int imageHeight, int inputWidth, int inputHeight) {
        double scale = Math.min((double) inputWidth / imageWidth, (double) inputHeight / imageHeight);
        if (this == TOP_LEFT) {
            return new Affine(scale, 0, 0, 0, scale, 0);
        }
        double ox = (inputWidth - imageWidth * scale) / 2;
        double oy = (inputHeight - imageHeight * scale) / 2;
        return new Affine(scale, 0, ox, 0, scale, oy);
    }
}
