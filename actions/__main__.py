"""`python -m actions --actions actions --port 5055`: the action server (actions/server.py)."""

if __name__ == "__main__":
    from actions.server import main

    main()
