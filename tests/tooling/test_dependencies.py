"""The installed dependencies agree with each other, and every one is held to a known-good range."""

import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement

from tooling.server import BASE_DIR

PYPROJECT = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
REQUIREMENTS = [
    *PYPROJECT["project"]["dependencies"],
    *(spec for group in PYPROJECT["project"]["optional-dependencies"].values() for spec in group),
]


def test_pip_check_finds_no_conflicts_in_the_environment():
    result = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    assert result.returncode == 0, f"pip check:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("spec", REQUIREMENTS)
def test_each_dependency_has_a_lower_and_an_upper_bound(spec):
    operators = {specifier.operator for specifier in Requirement(spec).specifier}
    assert operators & {">=", ">", "~=", "=="}, f"{spec}: no lower bound"
    assert operators & {"<", "<=", "~=", "=="}, f"{spec}: no upper bound"
