"""Command line: ``python -m cnnlib train NETWORK [options]`` (also installed as ``cnnlib``).

Trains one of the seed notebooks' networks on MNIST with a progress bar on
stderr, then prints the final accuracies on stdout, one per line::

    $ python -m cnnlib train kernel --iterations 300
    train accuracy: 0.9240
    test accuracy: 0.8812
"""

import argparse
import sys

from cnnlib._checks import check_positive_int, check_seed
from cnnlib.data import SOURCES
from cnnlib.nets import NETWORK_NAMES, NETWORKS
from cnnlib.weights_file import check_save_path


def _option(check, what):
    """An argparse ``type``: the text as an int checked by ``check(what, value)`` (a ``cnnlib._checks``
    validator), its ValueError turned into argparse's message."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, got {text!r}") from None
        try:
            return check(what, value)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return parse


def _save_path(text):
    """--save PATH: checked before training (folder exists and is writable); returns the .npz path."""
    try:
        return check_save_path(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m cnnlib",
        description="Train the course's networks from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    networks = "\n".join(f"  {name:16} {entry.description} ({entry.default_passes} passes)"
                         for name, entry in NETWORKS.items())
    train = commands.add_parser(
        "train", help="train a network and print its final train and test accuracy",
        description="Train a network on 1,000 MNIST training images, showing a progress bar on stderr, "
                    "then print 'train accuracy: ...' and 'test accuracy: ...' on stdout "
                    "(train accuracy is measured after training, without dropout).",
        epilog="networks:\n" + networks, formatter_class=argparse.RawDescriptionHelpFormatter)
    train.add_argument("network", choices=NETWORK_NAMES, metavar="NETWORK",
                       help="which network: " + ", ".join(NETWORK_NAMES))
    passes = train.add_mutually_exclusive_group()
    passes.add_argument("--iterations", type=_option(check_positive_int, "the number of passes"), metavar="N",
                        help="passes over the training images (the seeds' 'iterations'); default: the seed's")
    passes.add_argument("--epochs", type=_option(check_positive_int, "the number of passes"), metavar="N",
                        help="same as --iterations")
    train.add_argument("--source", choices=SOURCES, default="bundled",
                       help="MNIST source: 'bundled' (offline subset shipped with cnnlib, default) or "
                            "'keras' (full MNIST, downloaded once by Keras)")
    train.add_argument("--seed", type=_option(check_seed, "the seed"), default=None, metavar="S",
                       help="random seed for initialisation, dropout and shuffling (default: the network's)")
    train.add_argument("--save", metavar="PATH", default=None, type=_save_path,
                       help="write the trained weights to PATH (.npz is added if missing; loadable with "
                            "cnnlib.weights_file.load_weights). Checked before training; an existing file is "
                            "replaced only once the new one is complete")
    return parser


def main(argv=None):
    """Run the command line; returns the exit status (0 done, 1 error, 2 bad option, 130 Ctrl-C)."""
    args = build_parser().parse_args(argv)
    try:
        return _train(args)
    except KeyboardInterrupt:
        kept = f"; {args.save} was not written (an earlier file there is unchanged)" if args.save else ""
        print(f"interrupted (Ctrl-C){kept}", file=sys.stderr)
        return 130


def _train(args):
    from cnnlib.data import describe_source, load_mnist
    from cnnlib.evaluate import evaluate
    from cnnlib.nets import prepare_for, train_network
    from cnnlib.weights_file import save_weights

    passes = args.iterations if args.iterations is not None else args.epochs
    try:
        (x_train, y_train), (x_test, y_test) = load_mnist(n_train=1000, source=args.source)
    except (OSError, ImportError, RuntimeError, ValueError) as error:
        print(f"error: could not load MNIST: {error}", file=sys.stderr)
        return 1
    print(describe_source(args.source), file=sys.stderr)
    # No test split during training: evaluating it every pass would only cost time here.
    net, _ = train_network(args.network, x_train, y_train, num_epochs=passes, seed=args.seed, progress="tqdm")
    train_acc = evaluate(net, prepare_for(args.network, x_train), y_train, batch_size=500)
    test_acc = evaluate(net, prepare_for(args.network, x_test), y_test, batch_size=500)
    print(f"train accuracy: {train_acc:.4f}")
    print(f"test accuracy: {test_acc:.4f}")
    if args.save is not None:
        try:
            path = save_weights(net, args.save)
        except (OSError, ValueError) as error:
            print(f"error: could not save the weights: {error}", file=sys.stderr)
            return 1
        print(f"saved weights to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
