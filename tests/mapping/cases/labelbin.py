# LabelBinarizer: string, integer, float and bool classes; binary, multiclass,
# single-class and multilabel-indicator fits; neg_label/pos_label other than
# 0/1 (including pos_label=0); sparse_output; labels not seen in fit; files
# rewritten to look like other versions; refusals.
# Runs inside make_mapping_cases.py (write_variants, refuse, manifest, clean are its).
# Every case is a table case: X is one column of labels (or the 0/1 indicator
# matrix), and transform is called on the 1-d labels as LabelBinarizer takes them.
import warnings

import numpy as np
import scipy.sparse
from sklearn.preprocessing import LabelBinarizer

warnings.simplefilter("ignore")


def lb_cell(v):
    if isinstance(v, str):
        return v
    return float(v)


def lb_case(name, lb, y, version="1.2.1", **hk):
    files = write_variants(name, lb, **hk)
    out = lb.transform(y)
    if scipy.sparse.issparse(out):
        out = out.toarray()
    out = np.asarray(out).astype(np.float64).reshape(len(y), -1)
    rows = [[lb_cell(v) for v in r] for r in y] if np.ndim(y) == 2 else [[lb_cell(v)] for v in y]
    manifest.append({"name": name, "files": files, "class": "LabelBinarizer", "version": version, "table": True,
                     "X": rows,
                     "checks": [{"member": "", "method": "transform", "exact": True, "numbers": clean(out.tolist())}]})


def lb_obj(*labels):
    return np.array(labels, dtype=object)


lb_animals = lb_obj("cat", "dog", "eel", "cat", "eel", "ant")
lb_case("labelbin_str_multiclass", LabelBinarizer().fit(lb_animals), lb_obj("eel", "ant", "fox", "cat", "dog", "fox"))
lb_case("labelbin_str_multiclass_neg", LabelBinarizer(neg_label=-1, pos_label=2).fit(lb_animals),
        lb_obj("dog", "zebra", "ant"))
lb_yes_no = lb_obj("no", "yes", "yes", "no")
lb_case("labelbin_str_binary", LabelBinarizer().fit(lb_yes_no), lb_obj("yes", "no", "no", "yes", "yes"))
# Two distinct labels in the batch, one unseen: label_binarize's binary path, a neg_label row.
lb_case("labelbin_str_binary_unseen", LabelBinarizer().fit(lb_yes_no), lb_obj("yes", "maybe", "maybe"))
lb_case("labelbin_str_unicode", LabelBinarizer().fit(lb_obj("Zürich", "Ängelholm", "apple", "Zebra")),
        lb_obj("apple", "Zürich", "Zebra", "Ängelholm"))
lb_case("labelbin_int_multiclass", LabelBinarizer().fit(np.array([9, 1, 3, 7, 3])), np.array([1, 9, 5, 7, 3, 3]))
lb_case("labelbin_int_neg_minus1", LabelBinarizer(neg_label=-1, pos_label=1).fit(np.array([4, 2, 8, 2])),
        np.array([8, 2, 4, 6]))
lb_case("labelbin_int_binary_pos2", LabelBinarizer(pos_label=2).fit(np.array([0, 1, 1])), np.array([1, 0, 0, 1]))
lb_case("labelbin_int_binary_neg_pos", LabelBinarizer(neg_label=-3, pos_label=5).fit(np.array([-2, 10])),
        np.array([10, -2, 10]))
lb_case("labelbin_int_pos_zero", LabelBinarizer(neg_label=-2, pos_label=0).fit(np.array([1, 2, 3])),
        np.array([3, 1, 2, 4]))
lb_case("labelbin_float_multiclass", LabelBinarizer().fit(np.array([1.0, 2.0, -3.0, 2.0])),
        np.array([2.0, -3.0, 1.0, 5.0]))
lb_case("labelbin_float_binary", LabelBinarizer(neg_label=-1).fit(np.array([0.0, 4.0])), np.array([4.0, 0.0]))
lb_case("labelbin_bool", LabelBinarizer().fit(np.array([True, False, True])), np.array([False, True, True]))
# One class: a neg_label column for a batch of 1-2 distinct labels, pos_label
# where it is the class for 3+ (label_binarize's multiclass path).
lb_case("labelbin_single_class_two", LabelBinarizer(neg_label=-1).fit(np.array([3, 3])), np.array([3, 4, 3]))
lb_case("labelbin_single_class_many", LabelBinarizer().fit(np.array([3, 3])), np.array([3, 4, 5, 3]))
lb_case("labelbin_single_class_str", LabelBinarizer().fit(lb_obj("a", "a")), lb_obj("a", "a"))
lb_case("labelbin_sparse_output", LabelBinarizer(sparse_output=True, pos_label=3).fit(lb_animals),
        lb_obj("cat", "eel", "dog", "fox"))
lb_case("labelbin_sparse_output_binary", LabelBinarizer(sparse_output=True).fit(lb_yes_no), lb_obj("yes", "no"))
lb_ind = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]])
lb_case("labelbin_multilabel", LabelBinarizer().fit(lb_ind), np.array([[1, 0, 0], [0, 1, 1], [0, 0, 0], [1, 1, 1]]))
lb_case("labelbin_multilabel_neg", LabelBinarizer(neg_label=-1, pos_label=4).fit(lb_ind[:, :2]),
        np.array([[1, 0], [0, 1], [1, 1]]))

# ---- other versions: the same state in every version, under the pre-0.22 path ----


def lb_version(version):
    def hook(est, s):
        if "_sklearn_version" in s:
            s["_sklearn_version"] = version
        return s
    return hook


lb_old = {LabelBinarizer: "sklearn.preprocessing.label"}
lb_case("labelbin_v21_str", LabelBinarizer(neg_label=-1).fit(lb_animals), lb_obj("ant", "dog", "gnu"), version="0.21.3",
        modules=lb_old, state=lb_version("0.21.3"))
lb_case("labelbin_v18_int", LabelBinarizer().fit(np.array([0, 1, 1])), np.array([1, 0]), version="0.18.2",
        modules=lb_old, state=lb_version("0.18.2"))
lb_case("labelbin_v24_multilabel", LabelBinarizer().fit(lb_ind), lb_ind, version="0.24.2", state=lb_version("0.24.2"))
lb_case("labelbin_numpy2_int", LabelBinarizer().fit(np.array([5, 6, 7])), np.array([7, 5]), numpy2=True)


# 1.1 and older accepted float settings; an integral one is read as the integer.
def float_labels(est, s):
    s["neg_label"], s["pos_label"], s["_sklearn_version"] = -1.0, 1.0, "1.0.2"
    return s


lb_case("labelbin_v10_float_settings", LabelBinarizer(neg_label=-1).fit(lb_animals), lb_obj("cat", "ant"),
        version="1.0.2", state=float_labels)

# ---- refusals: one broken thing each ---------------------------------------------


def lb_set(**kv):
    def hook(est, s):
        s.update(kv)
        return s
    return hook


lb_str = LabelBinarizer().fit(lb_animals)
lb_int = LabelBinarizer().fit(np.array([1, 2, 3]))
refuse("labelbin_neg_not_below_pos", lb_int, state=lb_set(neg_label=1, pos_label=1))
refuse("labelbin_classes_unsorted", lb_str, state=lb_set(classes_=lb_obj("cat", "ant", "dog", "eel")))
refuse("labelbin_classes_repeated", lb_int, state=lb_set(classes_=np.array([1, 2, 2])))
refuse("labelbin_classes_noninteger", lb_int, state=lb_set(classes_=np.array([0.5, 1.5, 2.5])))
refuse("labelbin_classes_nan", lb_int, state=lb_set(classes_=np.array([1.0, 2.0, np.nan])))
refuse("labelbin_y_type_continuous", lb_int, state=lb_set(y_type_="continuous"))
refuse("labelbin_y_type_multioutput", lb_int, state=lb_set(y_type_="multiclass-multioutput"))
refuse("labelbin_binary_three_classes", lb_int, state=lb_set(y_type_="binary"))
refuse("labelbin_multiclass_two_classes", LabelBinarizer().fit(np.array([1, 2])), state=lb_set(y_type_="multiclass"))
refuse("labelbin_multilabel_classes", LabelBinarizer().fit(lb_ind), state=lb_set(classes_=np.array([0, 2, 3])))
refuse("labelbin_sparse_with_neg", lb_int, state=lb_set(sparse_output=True, neg_label=-1))
refuse("labelbin_pos_label_fraction", lb_int, state=lb_set(pos_label=1.5))
refuse("labelbin_no_classes", lb_int, state=lambda est, s: {k: v for k, v in s.items() if k != "classes_"})
