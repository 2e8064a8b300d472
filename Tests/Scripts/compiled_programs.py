"""What the script tests share (imported by name: a conftest.py here would shadow Tests/DataAPIClients' when pytest
collects both folders in one run): small C and C++ programs compiled with this machine's gcc and g++, the
real ELF binaries the packaging checks read. A machine without the compilers fails these tests,
saying so, rather than skipping them: packaging must be shown to refuse what Lambda cannot load."""
import shutil
import subprocess

import pytest

COMPILERS = {"c": "gcc", "c++": "g++"}


@pytest.fixture(scope="session")
def compile_program(tmp_path_factory):
    """compile_program(name, source, language="c", flags=()) → the path of the linked executable,
    compiled once per session (under a time limit: the machine may be busy building)."""
    directory = tmp_path_factory.mktemp("programs")
    built = {}

    def compile_(name, source, language="c", flags=()):
        if name in built:
            return built[name]
        compiler = COMPILERS[language]
        if shutil.which(compiler) is None:
            pytest.fail(f"{compiler} is not installed; these tests compile small programs with it (apt-get install gcc g++ zlib1g-dev)")
        source_path = directory / f"{name}.{'cc' if language == 'c++' else 'c'}"
        source_path.write_text(source)
        output = directory / name
        result = subprocess.run([compiler, "-O2", "-o", str(output), str(source_path), *flags],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{compiler} could not build {name}:\n{result.stderr}"
        built[name] = output
        return output

    return compile_
