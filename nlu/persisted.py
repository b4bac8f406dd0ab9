"""Rasa components whose trained state is one pickled object (the language identifier's and the
intent classifier's models): construction, Rasa's create/load and the write, in one place."""

from __future__ import annotations

import logging
import pickle
from typing import Any, ClassVar, Dict, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

log = logging.getLogger(__name__)


class PickledModelComponent(GraphComponent):
    FILE: ClassVar[str] = "model.pkl"

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[Any] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PickledModelComponent":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "PickledModelComponent":
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                model = pickle.loads((directory / cls.FILE).read_bytes())
        except (ValueError, FileNotFoundError):
            log.warning("%s: no trained model", cls.__name__)
        return cls(config, model_storage, resource, model)

    def persist(self, model: Any) -> Resource:
        """Keep the trained model and write it into Rasa's model storage."""
        self._model = model
        with self._storage.write_to(self._resource) as directory:
            (directory / self.FILE).write_bytes(pickle.dumps(model))
        return self._resource
