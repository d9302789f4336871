"""Command line: ``python -m fercnn COMMAND --help``, COMMAND one of train, evaluate, compare,
calibrate, inspect, export, predict, camera, demo.

Each command is a thin wrapper over the package's functions, the same ones the notebooks call.
"""

import argparse
import os
import sys
import warnings
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out of the output

from ..errors import DatasetFormatError, MissingSplitError  # noqa: E402
from ..faces.detection import DETECTORS  # noqa: E402
from ..labels import SPLIT_TO_USAGE, SPLITS  # noqa: E402
from ..models.files import require_model_file  # noqa: E402
from ..run_files import BEST_MODEL, CALIBRATION_FILE, CONFIG  # noqa: E402
from ..runs import RUNS_ROOT, display_path, new_run_dir, same_file, writable_folder  # noqa: E402
from ..training.config import CLASS_WEIGHTINGS, TEACHER_VIEWS, TrainConfig  # noqa: E402
from .video import DEFAULT_FPS, DEFAULT_TIME_CONSTANT  # noqa: E402

DEFAULT_DATA = "data"

# (flag, TrainConfig section or None, field, type, help)
TRAIN_FLAGS = (
    ("--epochs", None, "epochs", int, "training epochs"),
    ("--batch-size", None, "batch_size", int, "images per step"),
    ("--learning-rate", None, "learning_rate", float, "peak AdamW learning rate"),
    ("--weight-decay", None, "weight_decay", float, "AdamW decoupled weight decay"),
    ("--warmup-epochs", None, "warmup_epochs", int, "linear warm-up before cosine decay"),
    ("--label-smoothing", None, "label_smoothing", float, "label smoothing of the cross-entropy"),
    ("--patience", None, "patience", int, "early stopping: epochs without a PublicTest gain"),
    ("--class-weighting", None, "class_weighting", str, f"one of {', '.join(CLASS_WEIGHTINGS)}"),
    ("--mixup", None, "mixup_alpha", float, "mixup Beta alpha, 0 = off"),
    ("--cutmix", None, "cutmix_alpha", float, "CutMix Beta alpha, 0 = off"),
    ("--ema", None, "ema_momentum", float, "momentum of the weights' moving average, 0 = off"),
    ("--seed", None, "seed", int, "random seed"),
    ("--init-from", None, "init_from", str, "a saved .keras model whose weights start the run"),
    ("--teacher-weight", None, "teacher_weight", float, "share of each target from the --teacher models"),
    ("--teacher-temperature", None, "teacher_temperature", float, "softens the teachers' probabilities"),
    ("--teacher-views", None, "teacher_views", str, f"what the teachers label: {' or '.join(TEACHER_VIEWS)}"),
    ("--ferplus-weight", None, "ferplus_weight", float, "share of each target from the FER+ votes, 0 = off"),
    ("--width", "model", "width", float, "channel multiplier"),
    ("--depth", "model", "depth", float, "block-repeat multiplier"),
    ("--resolution", "model", "resolution", int, "side the 48x48 input is resized to inside the model"),
    ("--dropout", "model", "dropout", float, "dropout before the classifier"),
    ("--rotation", "augment", "rotation_degrees", float, "max random rotation, degrees"),
    ("--shift", "augment", "shift_fraction", float, "max random shift, fraction of the side"),
    ("--zoom", "augment", "zoom_fraction", float, "max random zoom, fraction"),
    ("--erasing", "augment", "erasing_probability", float, "random-erasing probability"),
    ("--warp-probability", "augment", "warp_probability", float, "share of faces rotated/shifted/zoomed"),
    ("--photo-look", "augment", "photo_look_probability", float, "share of faces given a photo's look"),
    ("--resampling", "augment", "resampling", str, "'once' (one affine warp) or 'per_layer'"),
)


# A user's mistake (bad data, a wrong model file, an unwritable folder) is one line, not a traceback.
USER_ERRORS = (DatasetFormatError, MissingSplitError, ValueError, OSError)


def main(argv=None):
    """Run one command; the exit status is 0 when every input succeeded, 1 when some photo
    failed, 2 for a user's mistake, 130 when interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    warnings.formatwarning = lambda message, *_, **__: f"warning: {message}\n"
    try:
        return args.run(args) or 0
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except USER_ERRORS as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def build_parser():
    parser = argparse.ArgumentParser(
        prog="fercnn",
        description="Train, evaluate, export and use FERNet, a small CNN for facial expressions (FER2013).",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train (or resume) a model, then evaluate it and plot")
    _add_data_output(train, "train", "pass an existing run's folder to resume it")
    train.add_argument("--config", type=Path, help="start from a saved config.json; flags override it")
    defaults = TrainConfig()
    for flag, section, name, kind, text in TRAIN_FLAGS:
        default = getattr(getattr(defaults, section) if section else defaults, name)
        train.add_argument(flag, type=kind, help=f"{text} (default {default})")
    train.add_argument("--no-flip", action="store_true", help="turn off random horizontal flips")
    train.add_argument(
        "--teacher",
        action="append",
        help="a saved .keras model whose probabilities are distilled into this one (repeat for several)",
    )
    train.add_argument(
        "--no-resume", action="store_true", help="refuse to continue a run already in the output folder"
    )
    train.add_argument("--quiet", action="store_true", help="one line per epoch instead of progress bars")
    train.set_defaults(run=run_train)

    evaluate = commands.add_parser(
        "evaluate", help="score a saved model on every split present, or on labelled photos (--photos)"
    )
    _add_data_output(evaluate, "evaluate")
    _add_model(evaluate, "a .keras model or a .tflite export")
    _add_photo_options(evaluate)
    evaluate.set_defaults(run=run_evaluate)

    compare = commands.add_parser(
        "compare", help="two saved models on the same split: who is right where, and is the gap real"
    )
    compare.add_argument("model_a", type=Path, help="a .keras model or a .tflite export")
    compare.add_argument("model_b", type=Path, help="another .keras model or .tflite export")
    _add_data(compare)
    compare.add_argument(
        "--split",
        default="validation",
        choices=SPLITS,
        help="validation is PublicTest, test is PrivateTest (default %(default)s)",
    )
    compare.add_argument("--flip-tta", action="store_true", help="average each face with its mirror image")
    compare.add_argument(
        "--photos",
        type=Path,
        help="compare on a folder of emotion folders (or a CSV of file,label) instead of a FER2013 split",
    )
    compare.add_argument("--detector", choices=DETECTORS, default="auto", help="face detector for --photos")
    compare.set_defaults(run=run_compare)

    calibrate = commands.add_parser(
        "calibrate", help="fit a temperature on PublicTest so that the probabilities match the accuracy"
    )
    _add_data_output(calibrate, "calibrate")
    _add_model(
        calibrate,
        f"a .keras model; the calibrated copy is saved as OUTPUT_DIR/{BEST_MODEL}, "
        f"with {CALIBRATION_FILE} beside it",
    )
    calibrate.set_defaults(run=run_calibrate)

    inspect = commands.add_parser("inspect", help="class counts, duplicate faces across splits, sample plots")
    _add_data_output(inspect, "inspect")
    inspect.set_defaults(run=run_inspect)

    export = commands.add_parser(
        "export", help="TensorFlow Lite float32 and int8 exports, checked on PublicTest"
    )
    _add_data_output(export, "export")
    _add_model(export, "a .keras model")
    export.set_defaults(run=run_export)

    predict = commands.add_parser(
        "predict", help="emotions of the faces in photos and videos (default: a sample photo)"
    )
    predict.add_argument("paths", nargs="*", type=Path, help="photos, videos, or folders of them")
    _add_model(predict, "a .keras model or a .tflite export")
    _add_output(
        predict, "predict", "annotated copies (and a video's frame table, timelines, summary) go here"
    )
    predict.add_argument("--json", action="store_true", help="print JSON instead of a table")
    predict.add_argument(
        "--no-annotate", action="store_true", help="write no annotated copies of photos, only the table"
    )
    predict.add_argument("--whole-image", action="store_true", help="no face found: classify the whole image")
    predict.add_argument(
        "--min-face",
        type=int,
        default=32,
        help="smallest face side to detect, in pixels of the photo scaled to at most 640 px (default 32)",
    )
    _add_face_options(predict)
    video = predict.add_mutually_exclusive_group()
    video.add_argument(
        "--fps",
        type=_positive_float,
        default=DEFAULT_FPS,
        help="video frames classified a second (default %(default)s)",
    )
    video.add_argument("--every-frame", action="store_true", help="classify every frame of a video")
    predict.set_defaults(run=run_predict)

    camera = commands.add_parser("camera", help="a live camera in a window: faces, emotions, q quits")
    camera.add_argument("--device", type=int, default=0, help="camera number (default 0)")
    camera.add_argument("--record", type=Path, help="also write the annotated stream to this .mp4")
    _add_model(camera, "a .keras model or a .tflite export")
    _add_face_options(camera)
    camera.set_defaults(run=run_camera)

    demo = commands.add_parser("demo", help="a live demo in the browser: webcam, photos, videos (Gradio)")
    _add_model(demo, "a .keras model or a .tflite export")
    demo.add_argument("--detector", choices=DETECTORS, default="auto", help="face detector (default auto)")
    demo.add_argument("--host", default="127.0.0.1", help="address to serve on (default: this computer only)")
    demo.add_argument("--port", type=int, help="port (default 7860, or the next free one)")
    demo.add_argument("--share", action="store_true", help="also ask Gradio for a public link")
    demo.set_defaults(run=run_demo)
    return parser


def _add_photo_options(parser):
    parser.add_argument(
        "--photos",
        type=Path,
        action="append",
        help="score labelled photos instead: a folder of emotion folders (DIR/happy/*.jpg) or a CSV of "
        "file,label, through the same face pipeline as predict (repeat for several)",
    )
    parser.add_argument(
        "--flip-tta", action="store_true", help="with --photos: average each face with its mirror"
    )
    parser.add_argument(
        "--detector", choices=DETECTORS, default="auto", help="with --photos: face detector (default auto)"
    )


def _add_face_options(parser):
    parser.add_argument(
        "--detector",
        choices=DETECTORS,
        default="auto",
        help="face detector: blazeface, haar, or auto (BlazeFace where installed; default)",
    )
    parser.add_argument(
        "--smoothing",
        type=_non_negative_float,
        default=DEFAULT_TIME_CONSTANT,
        help="seconds over which a video face's emotions are averaged, 0 = none (default %(default)s)",
    )


def _number(text):
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _positive_float(text):
    if not _number(text) > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return float(text)


def _non_negative_float(text):
    if not _number(text) >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return float(text)


def _add_data(parser):
    parser.add_argument(
        "--data",
        default=DEFAULT_DATA,
        help="fer2013.csv(.gz), a folder holding it, or the Kaggle train/ and test/ image folders"
        " (default %(default)s)",
    )


def _add_data_output(parser, command, resume_help=None):
    _add_data(parser)
    what = "weights, metrics and plots go" if command == "train" else "its files go"
    _add_output(parser, command, f"where {what}" + (f"; {resume_help}" if resume_help else ""))


def _add_output(parser, command, text):
    """``--output-dir`` and ``--name``: by default every run writes into a new folder of its own."""
    parser.add_argument(
        "--output-dir", type=Path, help=f"{text} (default: a new folder runs/{command}/DATE_TIME)"
    )
    parser.add_argument("--name", help=f"name the new folder runs/{command}/NAME instead of by date and time")
    parser.set_defaults(command_folder=command)


def _add_model(parser, text):
    parser.add_argument("--model", type=Path, help=f"{text} (default: the shipped model)")


def output_dir(args):
    """The folder a command writes into, created now (so an unwritable place fails before any
    work): ``--output-dir`` as given, else a new ``runs/<command>/<name or date_time>``."""
    if args.output_dir is not None:
        return writable_folder(args.output_dir)
    return new_run_dir(args.command_folder, args.name)


def model_path(args):
    """``--model`` where given, else the shipped model; either must exist."""
    from ..models.shipped import shipped_model

    return require_model_file(args.model or shipped_model())


def config_from_args(args):
    """Defaults (or, resuming a run, that run's own settings), then a saved config if given,
    then every flag the user set."""
    folder = _train_folder(args)
    resumed = Path(folder) / CONFIG if folder else None
    if args.config:
        config = TrainConfig.load(args.config)
    else:
        config = TrainConfig.load(resumed) if resumed and resumed.is_file() else TrainConfig()
    top, sections = {}, {"model": {}, "augment": {}}
    for flag, section, name, _kind, _text in TRAIN_FLAGS:
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is not None:
            (sections[section] if section else top)[name] = value
    if args.no_flip:
        sections["augment"]["horizontal_flip"] = False
    if args.teacher:
        top["teachers"] = tuple(args.teacher)
    return replace(
        config,
        data=args.data,
        output_dir=folder,
        model=replace(config.model, **sections["model"]),
        augment=replace(config.augment, **sections["augment"]),
        **top,
    )


def _train_folder(args):
    """``--output-dir`` (a new or an existing run: then it resumes), ``--name`` (runs/train/NAME,
    resumed likewise), or None: train makes a new dated folder itself."""
    if args.output_dir is not None:
        return str(args.output_dir)
    return str(RUNS_ROOT / "train" / args.name) if args.name else None


def run_train(args):
    from ..data.loading import load_fer2013
    from ..evaluation.report import write_data_figures, write_evaluation, write_training_curves
    from ..training.loop import train, with_run_folder

    config = config_from_args(args)
    data = load_fer2013(config.data)
    config = with_run_folder(config)
    try:
        result = train(config, data, resume=not args.no_resume, verbose=2 if args.quiet else "auto")
    except KeyboardInterrupt:
        print(
            f"\nInterrupted. {display_path(config.output_dir)}/ keeps every completed epoch; resume with:\n"
            f"  python -m fercnn train --data {config.data} --output-dir {display_path(config.output_dir)}",
            file=sys.stderr,
        )
        return 130
    write_training_curves(result.output_dir)
    write_data_figures(data, result.output_dir)
    write_evaluation(result.best_model_path, data, result.output_dir)
    print(
        f"Best PublicTest accuracy {result.state.best_val_accuracy:.4f} at epoch {result.state.best_epoch}; "
        f"model, metrics and plots in {display_path(result.output_dir)}/"
    )


def run_evaluate(args):
    from ..data.loading import load_fer2013
    from ..evaluation.report import write_evaluation
    from ..runtime.classifier import load_classifier

    model = model_path(args)
    classifier = load_classifier(model)  # a wrong model file is named before any folder is made
    if args.photos:
        return run_photo_evaluation(args, model, classifier)
    data = load_fer2013(args.data)
    folder = output_dir(args)
    write_evaluation(model, data, folder, classifier=classifier)
    print(f"\nmetrics, reports and plots in {display_path(folder)}/")


def run_photo_evaluation(args, model, classifier):
    """Each photo collection into a folder of its own (named after it) inside the run folder."""
    from ..evaluation.photos import format_photo_summary, labelled_photos, write_photo_evaluation
    from ..faces.pipeline import FacePipeline
    from ..runtime.adjustments import FlipAveraged

    for source in args.photos:
        labelled_photos(source)  # a wrong folder is named before any work or folder
    pipeline = FacePipeline(FlipAveraged(classifier) if args.flip_tta else classifier, args.detector)
    folder = output_dir(args)
    for source in args.photos:
        target = folder / source.resolve().name if len(args.photos) > 1 else folder
        metrics = write_photo_evaluation(source, pipeline, target, str(display_path(model)))
        print(format_photo_summary(metrics, f"{display_path(source)}{', flip TTA' if args.flip_tta else ''}"))
        print(f"per-photo table, metrics and confusion matrix in {display_path(target)}/\n")


def run_compare(args):
    """Paired on the same faces, so that the faces both models get right or wrong drop out."""
    from ..data.loading import load_fer2013
    from ..evaluation.intervals import compare_predictions, format_comparison
    from ..evaluation.metrics import plain_and_mirrored
    from ..runtime.classifier import load_classifier

    paths = [require_model_file(path) for path in (args.model_a, args.model_b)]
    if args.photos is not None:
        return compare_on_photos(args, paths)
    split = load_fer2013(args.data)[args.split]
    predictions = []
    for path in paths:
        classifier = load_classifier(path)
        if args.flip_tta:
            probabilities = sum(plain_and_mirrored(classifier, split.images))
        else:
            probabilities = classifier(split.images)
        predictions.append(probabilities.argmax(axis=1))
    comparison = compare_predictions(split.labels, *predictions)
    label = f"{SPLIT_TO_USAGE[args.split]} ({args.split} split){', flip TTA' if args.flip_tta else ''}"
    print(format_comparison(comparison, *paths, label))


def compare_on_photos(args, paths):
    """The largest face of each photo through each model; a photo without a face is wrong for both."""
    from ..evaluation.intervals import compare_predictions, format_comparison
    from ..evaluation.photos import labelled_photos, score_photos
    from ..faces.pipeline import FacePipeline
    from ..runtime.adjustments import FlipAveraged
    from ..runtime.classifier import load_classifier

    photos = labelled_photos(args.photos)
    scores = []
    for path in paths:
        classifier = load_classifier(path)
        pipeline = FacePipeline(FlipAveraged(classifier) if args.flip_tta else classifier, args.detector)
        scores.append(score_photos(photos, pipeline))
    comparison = compare_predictions(scores[0].labels, scores[0].predictions, scores[1].predictions)
    label = f"photos of {display_path(args.photos)}{', flip TTA' if args.flip_tta else ''}"
    print(format_comparison(comparison, *paths, label))


def run_calibrate(args):
    """PublicTest picks the temperature, as it picks checkpoints; PrivateTest is never touched."""
    from ..data.loading import load_fer2013
    from ..evaluation.calibration import calibrate

    model = model_path(args)
    validation = load_fer2013(args.data)["validation"]
    output_path = output_dir(args) / BEST_MODEL
    refuse_overwriting(model, [output_path, output_path.parent / CALIBRATION_FILE])
    result = calibrate(model, validation, output_path)
    print(f"temperature {result.temperature:.3f}, fitted on PublicTest (validation)\n")
    print(f"{'':<22}{'before':>8}{'after':>8}")
    for name in ("nll", "ece", "mean_top_probability", "accuracy"):
        print(f"{name:<22}{result.before[name]:>8.4f}{result.after[name]:>8.4f}")
    print(f"\nwrote {display_path(output_path)} and {display_path(output_path.parent / CALIBRATION_FILE)}")


def run_inspect(args):
    from ..data.duplicates import duplicate_table
    from ..data.loading import load_fer2013
    from ..evaluation.report import write_data_figures

    data = load_fer2013(args.data)
    folder = output_dir(args)
    print(f"FER2013 from {display_path(data.source)}\n")
    print(data.class_table().to_string(), "\n")
    print("Byte-identical faces (split_b faces that repeat a split_a face):")
    print(duplicate_table(data).to_string(index=False))
    write_data_figures(data, folder)
    print(f"\nPlots written to {display_path(folder)}/")


def run_export(args):
    """Int8 calibration uses training faces; the parity check uses PublicTest, never PrivateTest."""
    from ..data.loading import load_fer2013
    from ..runtime.classifier import load_classifier
    from ..runtime.export import accuracy_by_model, export_paths, export_tflite
    from ..runtime.litert import TFLiteClassifier

    model = model_path(args)
    data = load_fer2013(args.data)
    folder = output_dir(args)
    refuse_overwriting(model, export_paths(model, folder).values())
    paths = export_tflite(model, folder, data["train"].images)
    classifiers = {"keras": load_classifier(model)}
    classifiers |= {f"tflite {kind}": TFLiteClassifier(path) for kind, path in paths.items()}
    accuracies = accuracy_by_model(classifiers, data["validation"])
    for name, accuracy in accuracies.items():
        gap = 100 * (accuracy - accuracies["keras"])
        print(f"{name:<15} PublicTest accuracy {accuracy:.4f} ({gap:+.2f} points vs keras)")
    print("\n".join(f"wrote {display_path(path)}" for path in paths.values()))


def run_predict(args):
    """Results are written as they come: a row per face in ``predictions.csv`` and on the
    screen, so an interrupted batch keeps what it did, and a rerun into the same folder goes on
    from there. Exit status 1 when a file could not be read (after all the others were processed)."""
    from ..runtime.classifier import load_classifier
    from .predict import format_json, sample_photo
    from .prediction_table import TABLE_FILE, PredictionTable

    paths = args.paths or [sample_photo()]
    classifier = load_classifier(model_path(args))
    folder = _predict_folder(args)
    table = PredictionTable(folder)
    done = table.done()
    if done:
        print(
            f"{len(done)} file(s) already in {display_path(table.path)}: going on after them", file=sys.stderr
        )
    try:
        results = _stream_predictions(args, paths, classifier, folder, table, done)
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: {display_path(table.path)} holds every file finished; to go on, run the same "
            f"command with --output-dir {display_path(folder)}",
            file=sys.stderr,
        )
        return 130
    if not results and not done:
        raise FileNotFoundError(
            f"no photos or videos in {', '.join(map(str, paths))}: give files or folders holding them"
        )
    if args.json:
        print(format_json(results))
    elif any(result.annotated for result in results):
        print(f"\nAnnotated copies in {display_path(folder)}/")
    if not args.json:
        print(f"Table of every face: {display_path(folder / TABLE_FILE)}")
    return 1 if any(result.error for result in results if not result.skipped) else 0


def _predict_folder(args):
    """``--output-dir``, or ``runs/predict/NAME`` (the same folder again for the same name, so a
    rerun goes on where it stopped), or a new dated folder."""
    if args.output_dir is None and args.name:
        return writable_folder(RUNS_ROOT / "predict" / args.name)
    return output_dir(args)


def _stream_predictions(args, paths, classifier, folder, table, done):
    """Every result, appended to the table and printed (unless ``--json``) as it comes."""
    from ..media.inputs import collect_inputs
    from .predict import iter_predictions, name_width, result_lines, table_header, table_kind
    from .progress import Progress

    collected = collect_inputs(paths, folder)
    if collected.passed_over:
        print(f"passed over {collected.passed_over} file(s) in runs/ and the output folder", file=sys.stderr)
    remaining = [item for item in collected.inputs if str(item.path) not in done]
    width = name_width(item.path for item in remaining)
    progress = Progress(len(remaining), "predict", unit="files")
    results, kind = [], None
    predictions = iter_predictions(
        paths,
        classifier,
        folder,
        args.whole_image,
        args.min_face,
        args.detector,
        None if args.every_frame else args.fps,
        args.smoothing,
        annotate=not args.no_annotate,
        done=done,
    )
    try:
        for result in predictions:
            table.append(result)
            results.append(result)
            if not args.json:
                progress.clear()
                if table_kind(result) != kind:
                    kind = table_kind(result)
                    print(("\n" if results[:-1] else "") + table_header(kind, width))
                print("\n".join(result_lines(result, width)), flush=True)
            progress.advance()
    finally:
        progress.close()
    return results


def run_camera(args):
    from ..faces.pipeline import FacePipeline
    from ..runtime.classifier import load_classifier
    from .camera import run_camera_window

    pipeline = FacePipeline(load_classifier(model_path(args)), args.detector)
    shown = run_camera_window(args.device, pipeline, args.smoothing, args.record)
    if args.record is not None:
        print(f"wrote {display_path(args.record)} ({shown} frames)")
    return 0


def run_demo(args):
    from .demo import launch

    launch(model_path(args), args.detector, share=args.share, host=args.host, port=args.port)
    return 0


def refuse_overwriting(source, outputs):
    """A command that writes a new model never writes it over the model it reads."""
    for output in outputs:
        if Path(output).exists() and same_file(source, output):
            raise FileExistsError(
                f"{source} would be overwritten by its own output: "
                "choose another --output-dir (the default, a new folder under runs/, is always safe)"
            )
