"""Complaint screens: staff (list, new, detail and its steps, the answer letter, the yearly
list) and the public form."""
