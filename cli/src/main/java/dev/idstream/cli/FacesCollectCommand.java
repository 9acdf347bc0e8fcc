package dev.idstream.cli;

import dev.idstream.core.InputLimits;
import dev.idstream.core.config.FaceSettings;
import dev.idstream.core.onnx.OrtRuntime;
import dev.idstream.core.onnx.OrtSettings;
import dev.idstream.face.FaceAnalyzer;
import dev.idstream.face.FaceBundles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code faces collect VIDEO}: the detect stage's multi-view face collection on a local video, with a contact sheet. */
@Command(name = "collect", mixinStandardHelpOptions = true, description = "Pick the K faces with the most different head poses from a video "
        + "(FantasyID multi-view face collection) and write their aligned crops, a JSON and a contact sheet.")
final class FacesCollectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "VIDEO", description = "A video of one person (MP4, MOV, MKV, WebM, AVI, ...).")
    Path video;

    @Option(names = "--k", defaultValue = "" + FaceSettings.MultiView.DEFAULT_FACES,
            description = "Faces to pick, 1.." + FaceSettings.MultiView.MAX_FACES + "; default ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--frames", defaultValue = "" + FaceSettings.MultiView.DEFAULT_SAMPLED_FRAMES,
            description = "Frames sampled evenly from the video, 1.." + FaceSettings.MultiView.MAX_SAMPLED_FRAMES
                    + "; default ${DEFAULT-VALUE}.")
    int frames;

    @Option(names = "--out", defaultValue = "idstream-faces", description = "Output folder; default ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--face-bundle", description = "Face bundle folder (default: the prepared one).")
    Path faceBundle;

    @Override
    public Integer call() throws Exception {
        Logging.quiet();
        if (k < 1 || k > FaceSettings.MultiView.MAX_FACES || frames < 1 || frames > FaceSettings.MultiView.MAX_SAMPLED_FRAMES) {
            throw new IllegalArgumentException("--k must be in 1.." + FaceSettings.MultiView.MAX_FACES + " and --frames in 1.."
                    + FaceSettings.MultiView.MAX_SAMPLED_FRAMES + ", were " + k + " and " + frames);
        }
        FaceSettings.MultiView settings = new FaceSettings.MultiView(k, frames);
        try (FaceAnalyzer analyzer = new FaceAnalyzer(
                FaceBundles.loadOrPrepareDefault(faceBundle != null ? faceBundle : FaceSettings.defaultBundle()),
                OrtRuntime.create(OrtSettings.defaults()))) {
            FaceCollection.Result result = FaceCollection.collect(analyzer, video, settings,
                    FaceSettings.DEFAULT_MIN_FACE_SIZE, InputLimits.defaults(), out);
            System.out.println(result.summary());
            result.faces().forEach(f -> System.out.printf("  %-12s frame %5d  yaw %6.1f  pitch %6.1f  roll %6.1f%n",
                    f.file(), f.frame(), f.yaw(), f.pitch(), f.roll()));
            System.out.println("wrote " + out.resolve(FaceCollection.JSON) + " and " + out.resolve(FaceCollection.CONTACT_SHEET));
        }
        return 0;
    }
}
