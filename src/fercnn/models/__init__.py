"""The network and its files.

``fernet`` builds FERNet from ``fernet_config``; ``files`` opens a saved model or says why a file
is not one; ``shipped`` finds the model this project ships.
"""
