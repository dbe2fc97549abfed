"""What the registers a document management system exports (VNPT iOffice, Đồng Nai - S and the like: "Sổ văn bản
đến", "Sổ văn bản đi") write, as `xaso.correspondence.register` reads them: the names of their columns (compared
as `xaso.registers.cells.header_key` writes them: no accents, case or punctuation), their words for yes/no, the
kinds of digital signature and secrecy, and the Decree 30 document types.
"""

from __future__ import annotations

import re

from xaso.registers.cells import header_key

from .models import DocumentType, Signature

#: column → the headers that name it (as header_key writes them)
ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("so_ky_hieu", "so_va_ky_hieu", "so_hieu", "so_hieu_van_ban", "ky_hieu", "so_ky_hieu_van_ban",
               "so_van_ban"),
    "received_on": ("ngay_den", "ngay_nhan", "ngay_tiep_nhan"),
    "sent_on": ("ngay_phat_hanh", "ngay_di", "ngay_gui", "ngay_ban_hanh_phat_hanh"),
    "issued_on": ("ngay_van_ban", "ngay_ban_hanh", "ngay_ky", "ngay_thang_van_ban"),
    "doc_type": ("loai_van_ban", "hinh_thuc_van_ban", "the_loai"),
    "issuer": ("co_quan_ban_hanh", "noi_ban_hanh", "don_vi_ban_hanh", "noi_gui", "co_quan_gui"),
    "recipients": ("noi_nhan", "don_vi_nhan", "co_quan_nhan"),
    "summary": ("trich_yeu", "trich_yeu_noi_dung", "noi_dung"),
    "electronic": ("van_ban_dien_tu", "hinh_thuc", "hinh_thuc_nhan", "hinh_thuc_phat_hanh", "phuong_thuc",
                   "xu_ly_tren_he_thong", "dien_tu"),
    "handled": ("tinh_trang_xu_ly", "trang_thai_xu_ly", "trang_thai", "tinh_trang", "da_xu_ly"),
    "signature": ("ky_so", "chu_ky_so", "loai_ky_so", "hinh_thuc_ky"),
    "secret": ("do_mat", "mat"),
    "signer": ("nguoi_ky", "nguoi_ky_van_ban"),  # recognised so that it is knowingly left out (0028)
}  # fmt: skip
_YES = {
    "co",
    "x",
    "dien_tu",
    "tren_he_thong",
    "he_thong",
    "true",
    "1",
    "da_ky_so",
    "da_xu_ly",
    "hoan_thanh",
    "da_hoan_thanh",
    "da_giai_quyet",
    "ket_thuc",
    "dung_han",
    "qua_mang",
    "lien_thong",
    "truc_lien_thong",
}
_NO = {"khong", "", "giay", "ban_giay", "false", "0", "chua_xu_ly", "dang_xu_ly", "chua_ky_so", "cho_xu_ly",
       "qua_han", "chua_hoan_thanh", "buu_dien", "truc_tiep"}  # fmt: skip


#: a yes/no cell: on the system, handled as required
YES_NO = {**dict.fromkeys(_YES, True), **dict.fromkeys(_NO, False)}

#: the digital signature a document carries
SIGNATURES = {
    "khong": Signature.NONE, "": Signature.NONE, "khong_ky_so": Signature.NONE, "chua_ky_so": Signature.NONE,
    "co": Signature.SIGNED, "x": Signature.SIGNED, "da_ky_so": Signature.SIGNED, "ky_so": Signature.SIGNED,
    "ca_nhan": Signature.PERSONAL, "ky_so_ca_nhan": Signature.PERSONAL,
    "to_chuc": Signature.ORGANISATION, "co_quan": Signature.ORGANISATION, "don_vi": Signature.ORGANISATION,
    "ky_so_co_quan": Signature.ORGANISATION, "ky_so_to_chuc": Signature.ORGANISATION,
    "ca_nhan_va_to_chuc": Signature.BOTH, "ca_nhan_va_co_quan": Signature.BOTH, "ca_nhan_co_quan": Signature.BOTH,
    "ca_nhan_to_chuc": Signature.BOTH, "ca_nhan_va_don_vi": Signature.BOTH,
}  # fmt: skip


_SECRET = {"mat", "toi_mat", "tuyet_mat", "co"}
_NOT_SECRET = {"", "thuong", "khong", "binh_thuong", "khong_mat"}


#: a secrecy cell
SECRET = {**dict.fromkeys(_SECRET, True), **dict.fromkeys(_NOT_SECRET, False)}


_EXACT_TYPES = frozenset(DocumentType.values)
_TYPE_BY_KEY = {header_key(label): code for code, label in DocumentType.choices}
# abbreviations typed without their exact case or Đ: "ĐA"/"DA" and "HĐ"/"HD" differ only by it, so only the
# abbreviations that stay unambiguous are read this way (the exact ones are matched first)
_TYPE_BY_KEY.update({"qd": DocumentType.QD, "cd": DocumentType.CD, "qyd": DocumentType.QYD, "nq": DocumentType.NQ,
                     "ct": DocumentType.CT, "kh": DocumentType.KH, "bc": DocumentType.BC, "tb": DocumentType.TB,
                     "ttr": DocumentType.TTR, "ctr": DocumentType.CTR, "gm": DocumentType.GM,
                     "nghi_quyet": DocumentType.NQ})  # fmt: skip
_SYMBOL = re.compile(r"^[^/]*/([^-/\s]+)-")


def parse_type(value: object, number: str) -> str:
    """The Decree 30 type: from the type column (its name or abbreviation), else from the symbol in the number
    ("30/KH-UBND" → KH; "125/UBND-VP", a symbol without a type, is a công văn). ValueError for a type named
    in the column that Decree 30 does not know."""
    text = str(value or "").strip()
    if text:
        code = text if text in _EXACT_TYPES else _TYPE_BY_KEY.get(header_key(text))
        if code is None:
            raise ValueError(text)
        return code
    match = _SYMBOL.match(number)
    if match:
        symbol = match.group(1)
        return symbol if symbol in _EXACT_TYPES else _TYPE_BY_KEY.get(header_key(symbol), DocumentType.CV)
    return DocumentType.OTHER


def type_names() -> str:
    return ", ".join(f"{label} ({code})" for code, label in DocumentType.choices if code not in ("KHAC",))
