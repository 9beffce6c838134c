#pragma once

#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

// Writes `text` to `name` inside `dir` and returns the full path.
inline QString writeTempFile(const QTemporaryDir& dir, const QString& name,
                             const QByteArray& text) {
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(text);
    return path;
}
