"""Traffic for the query-detection benchmark: real data sets, real models, benign clients, attackers.

Everything is made here: scikit-learn's bundled data sets (breast cancer, digits), a model trained
on half of each, benign populations drawn from a Gaussian mixture fitted to the other half (so the
population is larger than the data set), and attackers from the literature querying the model.
Each client is a list of ``(instances, probabilities)`` requests in order; ``Endpoint.answer`` is the
model behind the endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

BENIGN_FAMILIES = ("ordinary", "batch", "retry", "drift", "health_check")
ATTACK_FAMILIES = ("papernot", "tramer", "hopskipjump", "membership", "fredrikson", "knockoff")


@dataclass
class Client:
    """One caller: its family, whether it attacks, and its queries in order (rows of features)."""

    name: str
    family: str
    attacker: bool
    requests: list[np.ndarray] = field(default_factory=list)
    """Each request is a 2-D array: one row per instance (batch jobs send many)."""


@dataclass
class Endpoint:
    """A deployed model, the data its traffic comes from, and what an attacker can know."""

    name: str
    data: str
    model: object
    population: np.ndarray
    public: np.ndarray
    train: np.ndarray
    low: np.ndarray
    high: np.ndarray
    integer: bool
    classes: int
    density: GaussianMixture
    """The population's distribution: a mixture fitted to the rows the model was not trained on."""

    def answer(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities for rows ``x``."""
        return self.model.predict_proba(np.atleast_2d(x))

    def label(self, x: np.ndarray) -> np.ndarray:
        return self.answer(x).argmax(axis=1)

    def clip(self, x: np.ndarray) -> np.ndarray:
        out = np.clip(x, self.low, self.high)
        return np.round(out) if self.integer else out


def make_endpoint(name: str, data: str, seed: int) -> Endpoint:
    """Train the endpoint's model on half of ``data``; the rest feeds benign and public traffic."""
    bundle = load_breast_cancer() if data == "breast_cancer" else load_digits()
    x, y = bundle.data.astype(np.float64), bundle.target
    x_train, x_rest, y_train, _ = train_test_split(x, y, test_size=0.5, random_state=seed, stratify=y)
    x_population, x_public = train_test_split(x_rest, test_size=0.3, random_state=seed)
    model = make_pipeline(
        StandardScaler(), MLPClassifier(hidden_layer_sizes=(32,), max_iter=400, random_state=seed)
    )
    model.fit(x_train, y_train)
    density = GaussianMixture(n_components=8, covariance_type="full", reg_covar=1e-2, random_state=seed)
    density.fit(x_rest)
    return Endpoint(
        name=name,
        data=data,
        model=model,
        population=x_population,
        public=x_public,
        train=x_train,
        low=x.min(axis=0),
        high=x.max(axis=0),
        integer=data == "digits",
        classes=len(np.unique(y)),
        density=density,
    )


def natural(endpoint: Endpoint, rng: np.random.Generator, n: int) -> np.ndarray:
    """Draws from the population's distribution (a continuous mixture, so it is larger than the data set)."""
    endpoint.density.random_state = int(rng.integers(2**31))
    rows, _ = endpoint.density.sample(n)
    return endpoint.clip(rows[rng.permutation(n)])


def benign_clients(endpoint: Endpoint, rng: np.random.Generator, scale: float) -> list[Client]:
    """Ordinary clients, batch jobs, retrying clients, drifted clients and one health check."""
    clients: list[Client] = []
    for i in range(int(100 * scale)):
        c = Client(f"{endpoint.name}-ordinary-{i}", "ordinary", False)
        c.requests = [row[None] for row in natural(endpoint, rng, int(rng.integers(20, 200)))]
        clients.append(c)
    for i in range(max(1, int(3 * scale))):
        c = Client(f"{endpoint.name}-batch-{i}", "batch", False)
        rows = natural(endpoint, rng, int(rng.integers(2000, 3000)))
        c.requests = [rows[k : k + 20] for k in range(0, len(rows), 20)]
        clients.append(c)
    for i in range(int(10 * scale)):
        c = Client(f"{endpoint.name}-retry-{i}", "retry", False)
        for row in natural(endpoint, rng, int(rng.integers(50, 150))):
            c.requests.extend([row[None]] * int(rng.integers(1, 4)))
        clients.append(c)
    spread = endpoint.population.std(axis=0)
    for i in range(int(10 * scale)):
        c = Client(f"{endpoint.name}-drift-{i}", "drift", False)
        shifted = rng.random(len(spread)) < 0.3
        rows = natural(endpoint, rng, int(rng.integers(50, 200)))
        c.requests = [row[None] for row in endpoint.clip(rows + shifted * 0.5 * spread)]
        clients.append(c)
    health = Client(f"{endpoint.name}-health-check", "health_check", False)
    health.requests = [endpoint.population[:1]] * 300
    clients.append(health)
    return clients


def papernot(
    endpoint: Endpoint, rng: np.random.Generator, seeds: int = 10, rounds: int = 4
) -> list[np.ndarray]:
    """Jacobian-based dataset augmentation (Papernot et al. 2017): x + λ·sign(∂F_y/∂x) per round."""
    step = 0.1 * (endpoint.high - endpoint.low)
    known = endpoint.public[rng.choice(len(endpoint.public), seeds, replace=False)]
    queries = list(known)
    labels = list(endpoint.label(known))
    substitute_scaler = StandardScaler().fit(endpoint.public)
    for _ in range(rounds):
        x = np.asarray(queries)
        y = np.asarray(labels)
        if len(np.unique(y)) > 1:
            substitute = LogisticRegression(max_iter=300).fit(substitute_scaler.transform(x), y)
            coef = substitute.coef_ / substitute_scaler.scale_
            classes = list(substitute.classes_)
            gradients = np.asarray(
                [
                    (coef[0] if label == classes[-1] else -coef[0])
                    if coef.shape[0] == 1
                    else coef[classes.index(label)]
                    for label in y
                ]
            )
        else:
            gradients = rng.normal(size=x.shape)
        new = endpoint.clip(x + step * np.sign(gradients))
        queries.extend(new)
        labels.extend(endpoint.label(new))
    return [row[None] for row in queries]


def tramer(endpoint: Endpoint, rng: np.random.Generator, n: int = 300) -> list[np.ndarray]:
    """Tramèr et al. 2016: inputs drawn uniformly from the feature box."""
    rows = endpoint.low + rng.random((n, len(endpoint.low))) * (endpoint.high - endpoint.low)
    return [row[None] for row in endpoint.clip(rows)]


def hopskipjump(endpoint: Endpoint, rng: np.random.Generator, iterations: int = 10) -> list[np.ndarray]:
    """A decision-based boundary walk (Chen, Jordan, Wainwright 2020): binary search to the boundary,
    gradient-direction estimates from label-only probes around it, a step, and again."""
    asked: list[np.ndarray] = []

    def label(x: np.ndarray) -> int:
        x = endpoint.clip(x)
        asked.append(x[None])
        return int(endpoint.label(x)[0])

    target = endpoint.public[rng.integers(len(endpoint.public))]
    original = label(target)
    others = [row for row in endpoint.public if endpoint.label(row[None])[0] != original]
    if not others:
        return asked
    adversarial = others[rng.integers(len(others))]

    def boundary(point: np.ndarray, steps: int = 10) -> np.ndarray:
        low, high = 0.0, 1.0
        for _ in range(steps):
            mid = (low + high) / 2
            if label(target + mid * (point - target)) != original:
                high = mid
            else:
                low = mid
        return target + high * (point - target)

    x = boundary(adversarial)
    spread = endpoint.population.std(axis=0) + 1e-9
    for iteration in range(iterations):
        distance = float(np.linalg.norm((x - target) / spread))
        delta = max(0.05 * distance / np.sqrt(len(x)), 1e-3)
        directions = rng.normal(size=(20, len(x)))
        directions /= np.linalg.norm(directions, axis=1, keepdims=True)
        signs = np.asarray([1.0 if label(x + delta * d * spread) != original else -1.0 for d in directions])
        gradient = (signs[:, None] * directions).mean(axis=0)
        gradient /= np.linalg.norm(gradient) + 1e-12
        step = distance / np.sqrt(iteration + 1)
        candidate = x + step * gradient * spread / np.sqrt(len(x))
        x = boundary(candidate, steps=8)
    return asked


def membership(
    endpoint: Endpoint, rng: np.random.Generator, targets: int = 5, copies: int = 40
) -> list[np.ndarray]:
    """Label-only membership probing (Choquette-Choo et al. 2021): a record and noisy copies of it."""
    spread = endpoint.population.std(axis=0)
    pool = endpoint.train if rng.random() < 0.5 else endpoint.public
    out = []
    for record in pool[rng.choice(len(pool), targets, replace=False)]:
        out.append(record[None])
        noisy = record + rng.normal(size=(copies - 1, len(record))) * 0.05 * spread
        out.extend(row[None] for row in endpoint.clip(noisy))
    return out


def fredrikson(endpoint: Endpoint, rng: np.random.Generator, n: int = 300) -> list[np.ndarray]:
    """Black-box inversion by hill-climbing a class's confidence (Fredrikson et al. 2015)."""
    spread = endpoint.population.std(axis=0) + 1e-9
    target = int(rng.integers(endpoint.classes))
    x = endpoint.public.mean(axis=0)
    best = float(endpoint.answer(x)[0, target])
    out = [x[None]]
    for _ in range(n - 1):
        candidate = x.copy()
        chosen = rng.choice(len(x), 3, replace=False)
        candidate[chosen] += rng.normal(size=3) * 0.2 * spread[chosen]
        candidate = endpoint.clip(candidate)
        out.append(candidate[None])
        confidence = float(endpoint.answer(candidate)[0, target])
        if confidence > best:
            x, best = candidate, confidence
    return out


def knockoff(endpoint: Endpoint, rng: np.random.Generator, n: int = 300) -> list[np.ndarray]:
    """Knockoff Nets (Orekondy et al. 2019): natural data of the domain, drawn like everyone else's."""
    return [row[None] for row in natural(endpoint, rng, n)]


ATTACKS: dict[str, Callable[[Endpoint, np.random.Generator], list[np.ndarray]]] = {
    "papernot": papernot,
    "tramer": tramer,
    "hopskipjump": hopskipjump,
    "membership": membership,
    "fredrikson": fredrikson,
    "knockoff": knockoff,
}


def attackers(endpoint: Endpoint, rng: np.random.Generator, per_family: int, scores: bool) -> list[Client]:
    """``per_family`` attackers of every family (Fredrikson only where the endpoint returns scores)."""
    out = []
    for family, attack in ATTACKS.items():
        if family == "fredrikson" and not scores:
            continue
        for i in range(per_family):
            out.append(Client(f"{endpoint.name}-{family}-{i}", family, True, attack(endpoint, rng)))
    return out
