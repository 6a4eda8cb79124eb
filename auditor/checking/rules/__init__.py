"""One module per rule, named by its code. Importing this package registers them all.

Codes are stable; a retired code is never reused. The prefix says the family:

- CL: classification, who is who (a lead that is really a customer, partner or employee; a lead
  whose conversion or lifecycle labels contradict themselves; a stale lead; any other record whose
  evidence says another type);
- DQ: data quality of one record (email, phone, reachability, filler values, required fields);
- TM: terminology (labels the vocabulary cannot place);
- DU: duplicates (the same person twice; a lead that is already a contact).

Modules starting with "_" hold what several rules share; they register nothing.
"""

import importlib
import pkgutil

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda module: module.name):
    importlib.import_module(f"{__name__}.{_module.name}")
