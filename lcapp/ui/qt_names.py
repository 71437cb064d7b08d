"""Qt enum values bound once: looking `Qt.DisplayRole` up costs PySide6 ~10 µs each time, and a
model's data() is called thousands of times per paint.
"""

from PySide6.QtCore import QModelIndex, Qt

DISPLAY_ROLE = Qt.DisplayRole
EDIT_ROLE = Qt.EditRole
TOOLTIP_ROLE = Qt.ToolTipRole
BACKGROUND_ROLE = Qt.BackgroundRole
FOREGROUND_ROLE = Qt.ForegroundRole
FONT_ROLE = Qt.FontRole
ALIGNMENT_ROLE = Qt.TextAlignmentRole
USER_ROLE = Qt.UserRole
HORIZONTAL = Qt.Horizontal
ALIGN_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
ALIGN_LEFT = int(Qt.AlignLeft | Qt.AlignVCenter)
ALIGN_CENTER = int(Qt.AlignCenter)
NO_FLAGS = Qt.NoItemFlags
SELECTABLE = Qt.ItemIsEnabled | Qt.ItemIsSelectable
EDITABLE = Qt.ItemIsEditable
NO_INDEX = QModelIndex()
ALIGN_RIGHT_FLAGS = Qt.AlignRight | Qt.AlignVCenter
