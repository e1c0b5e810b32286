"""python -m notify_standin --port N : run the stand-in locally (gunicorn, else werkzeug)."""
from standin_kit import run


def main(argv: list[str] | None = None) -> None:
    run("notify_standin", 8012, argv)


if __name__ == "__main__":
    main()
